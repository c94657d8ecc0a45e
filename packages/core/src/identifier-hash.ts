import { createHmac } from "node:crypto";
import { ConfigError } from "./errors.ts";

/**
 * A keyed hash of an identifier (a user's `sub`, a user name, an address, an
 * IdP session id) under a kind that keeps one kind's hashes from matching
 * another's. Without the key nobody can test a guess against a stored or
 * logged value, which an unkeyed SHA-256 of an IPv4 address or a user name
 * allows in minutes.
 */
export type IdentifierHash = (kind: string, value: string) => string;

/** The shortest key accepted: 256 bits, HMAC-SHA256's block-size guidance is met well past this. */
const minKeyBytes = 32;

/**
 * Decodes `IDENTIFIER_HASH_KEY` (base64url, at least 32 random bytes), or
 * `undefined` when it is not one: config validation names the variable.
 */
export function decodeIdentifierHashKey(value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  const key = Buffer.from(value, "base64url");
  return key.length >= minKeyBytes ? key : undefined;
}

/**
 * HMAC-SHA256 of `kind` and `value` under the key, truncated to 128 bits
 * (22 base64url characters): short enough for keys and log lines, far past
 * any collision a table or a log could hold.
 *
 * @example
 * const hash = createIdentifierHash(config.identifierHashKey);
 * hash("user", claims.sub); // "q3Zl…" (22 characters)
 */
export function createIdentifierHash(key: Uint8Array): IdentifierHash {
  if (key.length < minKeyBytes) throw new ConfigError(`An identifier hash key needs at least ${minKeyBytes} bytes`);
  const secret = Buffer.from(key);
  return (kind, value) =>
    createHmac("sha256", secret).update(`${kind}\u0000${value}`, "utf8").digest().subarray(0, 16).toString("base64url");
}
