import { describe, expect, it } from "vitest";
import { CODE_TTL_MS, checkCode, createCodeChallenge, createUnanswerableChallenge, generateCode, hashCode } from "./one-time-code.ts";

describe("one-time codes", () => {
  it("generates six decimal digits, keeping leading zeros", () => {
    // Act
    const codes = Array.from({ length: 200 }, generateCode);
    // Assess
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(150);
  });

  it("keeps only a salted hash and the expiry, never the code", () => {
    // Act
    const challenge = createCodeChallenge(1_000);
    // Assess
    expect(Object.keys(challenge.parameters).sort()).toEqual(["CODE_HASH", "CODE_SALT", "EXPIRES_AT"]);
    expect(JSON.stringify(challenge.parameters)).not.toContain(challenge.code);
    expect(challenge.parameters.CODE_HASH).toBe(hashCode(challenge.code, challenge.parameters.CODE_SALT));
    expect(challenge.expiresAt).toBe(1_000 + CODE_TTL_MS);
    expect(challenge.parameters.EXPIRES_AT).toBe(String(1_000 + CODE_TTL_MS));
  });

  it("salts each challenge, so the same code hashes differently twice", () => {
    // Act
    const a = createCodeChallenge(0);
    const b = createCodeChallenge(0);
    // Assess
    expect(a.parameters.CODE_SALT).not.toBe(b.parameters.CODE_SALT);
    expect(hashCode("123456", a.parameters.CODE_SALT)).not.toBe(hashCode("123456", b.parameters.CODE_SALT));
  });

  it("accepts the right code until the last millisecond of its five minutes", () => {
    // Prepare
    const challenge = createCodeChallenge(0);
    // Act & Assess
    expect(checkCode(challenge.code, challenge.parameters, CODE_TTL_MS)).toBe("correct");
    expect(checkCode(challenge.code, challenge.parameters, CODE_TTL_MS + 1)).toBe("expired");
  });

  it("refuses a wrong, non-numeric, short or non-string answer", () => {
    // Prepare
    const challenge = createCodeChallenge(0);
    const wrong = challenge.code === "000000" ? "000001" : "000000";
    // Act & Assess
    for (const answer of [wrong, "12345", "1234567", "abcdef", ` ${challenge.code}`, "", undefined, 123456]) {
      expect(checkCode(answer, challenge.parameters, 0)).toBe("incorrect");
    }
  });

  it("reports missing or broken parameters as malformed", () => {
    // Act & Assess
    expect(checkCode("123456", undefined, 0)).toBe("malformed");
    expect(checkCode("123456", {}, 0)).toBe("malformed");
    expect(checkCode("123456", { CODE_HASH: "x", CODE_SALT: "y", EXPIRES_AT: "soon" }, 0)).toBe("malformed");
  });

  it("makes unanswerable parameters that no code matches", () => {
    // Prepare
    const parameters = createUnanswerableChallenge(0);
    // Act
    const results = new Set(["000000", "123456", "999999"].map((code) => checkCode(code, parameters, 0)));
    // Assess
    expect([...results]).toEqual(["incorrect"]);
  });
});
