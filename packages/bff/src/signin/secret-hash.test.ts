import { describe, expect, it } from "vitest";
import { computeSecretHash } from "./secret-hash.ts";

describe("computeSecretHash", () => {
  it("is Base64(HMAC-SHA256(secret, username + clientId))", () => {
    // Act (expected value from: printf 'alicelocal-web' | openssl dgst -sha256 -hmac 's3cr3t-value' -binary | base64)
    const hash = computeSecretHash("local-web", "s3cr3t-value", "alice");
    // Assess
    expect(hash).toBe("9AxlKgJb7p+9GnbQ9Au/jz9Hf4ZID4gtfLNXMO8Z90g=");
  });

  it("differs per user name", () => {
    // Act & Assess
    expect(computeSecretHash("local-web", "s3cr3t-value", "bob")).not.toBe(computeSecretHash("local-web", "s3cr3t-value", "alice"));
  });
});
