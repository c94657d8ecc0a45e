import { createHash, randomBytes } from "node:crypto";

/**
 * A new session id: 32 random bytes (256 bits) as base64url. It lives only in
 * the cookie; the table holds its hash.
 */
export function generateSessionId(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The table key for a session id: SHA-256, base64url. A leaked table export
 * or log of keys therefore holds no usable cookie value.
 *
 * @example
 * const pk = hashSessionId(cookieValue);
 */
export function hashSessionId(id: string): string {
  return createHash("sha256").update(id, "utf8").digest("base64url");
}

/** At least 128 bits of base64url and a sane upper bound; anything else is not worth a DynamoDB read. */
const sessionIdPattern = /^[A-Za-z0-9_-]{22,128}$/;

/** True when a cookie value could be a session id this service issued. */
export function isWellFormedSessionId(id: unknown): id is string {
  return typeof id === "string" && sessionIdPattern.test(id);
}
