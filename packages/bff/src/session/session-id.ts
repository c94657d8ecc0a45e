import { createHash, randomBytes } from "node:crypto";

/** Where a session is stored: its user's partition and its own sort key. */
export interface SessionKey {
  /** `u#` and the keyed hash of the user's `sub` (the `userKey`). */
  readonly pk: string;
  /** `s#` and the SHA-256 of the whole session id. */
  readonly sk: string;
}

/** A keyed hash of a `sub` is 22 base64url characters (128 bits); see `createIdentifierHash`. */
const userKeyPattern = /^[A-Za-z0-9_-]{22}$/;
/** 32 random bytes as base64url. */
const secretPattern = /^[A-Za-z0-9_-]{43}$/;

/**
 * A new session id: the user's key, a dot, and 32 random bytes (256 bits)
 * as base64url. The key names the user's partition, so the read of a
 * session is one GetItem and a user's sessions are one Query; the random
 * part is the secret. The id lives only in the cookie; the table holds the
 * hash of all of it.
 *
 * @example
 * const id = newSessionId(hash("user", claims.sub));
 */
export function newSessionId(userKey: string): string {
  if (!userKeyPattern.test(userKey)) throw new TypeError("A user key is 22 base64url characters");
  return `${userKey}.${randomBytes(32).toString("base64url")}`;
}

/** The partition of a user's sessions. */
export function userPartition(userKey: string): string {
  return `u#${userKey}`;
}

/**
 * The table key of a session id, or `undefined` for anything this service
 * never issued (checked before any DynamoDB read).
 *
 * @example
 * const key = sessionKeyOf(cookieValue); // { pk: "u#…", sk: "s#…" }
 */
export function sessionKeyOf(id: unknown): SessionKey | undefined {
  if (typeof id !== "string" || id.length !== 66) return undefined;
  const userKey = id.slice(0, 22);
  if (id[22] !== "." || !userKeyPattern.test(userKey) || !secretPattern.test(id.slice(23))) return undefined;
  return { pk: userPartition(userKey), sk: `s#${createHash("sha256").update(id, "utf8").digest("base64url")}` };
}

/**
 * The marker left where a session was ended on purpose from elsewhere
 * (another browser, log out everywhere, an operator, the IdP), so that
 * session's cookie can be told `session_revoked` rather than a bare
 * `unauthenticated`. In its own partition, keyed by the session's hash.
 */
export function endedMarkerOf(key: SessionKey): string {
  return `ended#${key.sk}`;
}

/** A random opaque handle the sessions list shows instead of the id: 16 bytes as base64url. */
export function newSessionHandle(): string {
  return randomBytes(16).toString("base64url");
}

/** True for a string shaped like a handle this service gives out. */
export function isWellFormedHandle(handle: unknown): handle is string {
  return typeof handle === "string" && /^[A-Za-z0-9_-]{22}$/.test(handle);
}

/** One string per key, for logs of the store and maps in tests. */
export function keyString(key: SessionKey): string {
  return `${key.pk}/${key.sk}`;
}

/**
 * What logs name a session by: the start of its sort key's hash (the
 * SHA-256 of a 256-bit random id, so nothing leads back to the cookie), or
 * `malformed` for a cookie this service never issued.
 */
export function sessionRef(id: string): string {
  return sessionKeyOf(id)?.sk.slice(2, 18) ?? "malformed";
}
