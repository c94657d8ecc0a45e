import { describe, expect, it } from "vitest";
import { hasValidBodyHash, sha256Hex } from "./body-hash.ts";

const body = Buffer.from('{"name":"x"}');

describe("hasValidBodyHash", () => {
  it("accepts the hex SHA-256 of the body, in either case", () => {
    expect(hasValidBodyHash(body, sha256Hex(body))).toBe(true);
    expect(hasValidBodyHash(body, sha256Hex(body).toUpperCase())).toBe(true);
  });

  it("accepts a bodyless request without the header", () => {
    expect(hasValidBodyHash(Buffer.alloc(0), undefined)).toBe(true);
  });

  it("refuses a body without the header, with another body's hash, or with a malformed value", () => {
    expect(hasValidBodyHash(body, undefined)).toBe(false);
    expect(hasValidBodyHash(body, sha256Hex(Buffer.from("other")))).toBe(false);
    expect(hasValidBodyHash(body, "UNSIGNED-PAYLOAD")).toBe(false);
    expect(hasValidBodyHash(body, sha256Hex(body).slice(2))).toBe(false);
  });

  it("hashes to the known SHA-256 test vector", () => {
    expect(sha256Hex(Buffer.from("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
