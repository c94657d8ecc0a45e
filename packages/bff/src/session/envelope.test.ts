import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatEnvelope, parseEnvelope } from "./envelope.ts";
import { EnvelopeError } from "./errors.ts";

const bytes = (length: number, fill: number) => new Uint8Array(length).fill(fill);

describe("parseEnvelope", () => {
  it("reads back exactly the parts it formatted", () => {
    // Prepare
    const parts = { encryptedKey: bytes(60, 1), iv: bytes(12, 2), sealed: bytes(40, 3) };
    // Act
    const parsed = parseEnvelope(formatEnvelope(parts));
    // Assess
    expect(parsed).toEqual({ encryptedKey: Buffer.from(parts.encryptedKey), iv: Buffer.from(parts.iv), sealed: Buffer.from(parts.sealed) });
  });

  it("either parses or throws EnvelopeError for any string", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^v1(\.[A-Za-z0-9_=+/-]{0,24}){0,5}$/)), (input) => {
        try {
          const parsed = parseEnvelope(input);
          // Anything accepted must be the one canonical spelling of its parts.
          expect(formatEnvelope(parsed)).toBe(input);
        } catch (error) {
          expect(error).toBeInstanceOf(EnvelopeError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses a value that is not a string", () => {
    // Act
    const act = () => parseEnvelope(42 as unknown as string);
    // Assess
    expect(act).toThrow(EnvelopeError);
    expect(act).toThrow("Envelope is empty");
  });
});
