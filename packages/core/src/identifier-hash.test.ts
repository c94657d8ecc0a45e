import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.ts";
import { createIdentifierHash, decodeIdentifierHashKey } from "./identifier-hash.ts";

describe("identifier hashes", () => {
  const key = randomBytes(32);

  it("gives the same 22-character hash for the same kind and value", () => {
    // Prepare
    const hash = createIdentifierHash(key);
    // Act
    const first = hash("ip", "203.0.113.7");
    const second = hash("ip", "203.0.113.7");
    // Assess
    expect(first).toBe(second);
    expect(first).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("keeps kinds apart, so a user name and an address with the same text never share a hash", () => {
    // Act
    const hash = createIdentifierHash(key);
    // Assess
    expect(hash("user", "alice")).not.toBe(hash("ip", "alice"));
  });

  it("depends on the key, so an unkeyed SHA-256 of the value never matches", () => {
    // Prepare
    const value = "203.0.113.7";
    const plain = createHash("sha256").update(value).digest("base64url");
    // Act
    const a = createIdentifierHash(key)("ip", value);
    const b = createIdentifierHash(randomBytes(32))("ip", value);
    // Assess
    expect(a).not.toBe(b);
    expect(plain.startsWith(a)).toBe(false);
  });

  it("refuses a key shorter than 32 bytes", () => {
    // Act / Assess
    expect(() => createIdentifierHash(randomBytes(16))).toThrow(ConfigError);
  });

  it("decodes a base64url key of at least 32 bytes and nothing else", () => {
    // Act / Assess
    expect(decodeIdentifierHashKey(randomBytes(32).toString("base64url"))?.length).toBe(32);
    expect(decodeIdentifierHashKey(randomBytes(31).toString("base64url"))).toBeUndefined();
    expect(decodeIdentifierHashKey(`${randomBytes(32).toString("base64")}=`)).toBeUndefined();
    expect(decodeIdentifierHashKey("")).toBeUndefined();
  });
});
