import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatEnvelope, parseEnvelope } from "./envelope.ts";
import { EnvelopeError } from "./errors.ts";
import { createLocalKeyProvider } from "./local-key-provider.ts";
import { createSealer } from "./sealer.ts";

const sealer = createSealer(createLocalKeyProvider({ key: randomBytes(32) }));
const otherSealer = createSealer(createLocalKeyProvider({ key: randomBytes(32) }));
const sessionId = fc.stringMatching(/^[A-Za-z0-9_-]{22,64}$/);
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

async function openOutcome(open: () => Promise<Uint8Array>): Promise<{ plaintext: Uint8Array } | { error: unknown }> {
  try {
    return { plaintext: await open() };
  } catch (error) {
    return { error };
  }
}

function expectEnvelopeError(error: unknown): void {
  expect(error).toBeInstanceOf(EnvelopeError);
  expect(error).toMatchObject({ code: "unauthenticated", status: 401 });
}

describe("parseEnvelope (property)", () => {
  it("answers parts or throws EnvelopeError, nothing else, for any string", () => {
    const envelopeLike = fc
      .array(fc.oneof(fc.constant("v1"), fc.base64String(), fc.stringMatching(/^[A-Za-z0-9_-]{0,40}$/), fc.string()), {
        minLength: 1,
        maxLength: 6,
      })
      .map((parts) => parts.join("."));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), envelopeLike), (value) => {
        try {
          const parts = parseEnvelope(value);
          // Assess: whatever was accepted is the one canonical spelling of its parts
          expect(formatEnvelope(parts)).toBe(value);
        } catch (error) {
          expectEnvelopeError(error);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips every well-formed envelope", () => {
    fc.assert(
      fc.property(bytes(1, 512), bytes(12, 12), bytes(16, 256), (encryptedKey, iv, sealed) => {
        // Act
        const parsed = parseEnvelope(formatEnvelope({ encryptedKey, iv, sealed }));
        // Assess
        expect(Buffer.from(parsed.encryptedKey)).toEqual(Buffer.from(encryptedKey));
        expect(Buffer.from(parsed.iv)).toEqual(Buffer.from(iv));
        expect(Buffer.from(parsed.sealed)).toEqual(Buffer.from(sealed));
      }),
    );
  });
});

describe("sealer (property)", () => {
  it("opens an envelope only under the session id it was sealed for", async () => {
    await fc.assert(
      fc.asyncProperty(bytes(0, 256), sessionId, sessionId, async (plaintext, id, otherId) => {
        fc.pre(id !== otherId);
        // Prepare
        const envelope = await sealer.seal(plaintext, id);
        // Act
        const own = await openOutcome(() => sealer.open(envelope, id));
        const other = await openOutcome(() => sealer.open(envelope, otherId));
        // Assess
        expect("plaintext" in own && Buffer.from(own.plaintext)).toEqual(Buffer.from(plaintext));
        expect("error" in other).toBe(true);
        if ("error" in other) expectEnvelopeError(other.error);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses any one-character change of an envelope with EnvelopeError, never with data", async () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \u0000";
    await fc.assert(
      fc.asyncProperty(
        bytes(1, 128),
        sessionId,
        fc.nat(),
        fc.nat({ max: alphabet.length - 1 }),
        async (plaintext, id, position, replacement) => {
          // Prepare
          const envelope = await sealer.seal(plaintext, id);
          const index = position % envelope.length;
          const tampered = `${envelope.slice(0, index)}${alphabet[replacement]}${envelope.slice(index + 1)}`;
          fc.pre(tampered !== envelope);
          // Act
          const result = await openOutcome(() => sealer.open(tampered, id));
          // Assess
          expect("error" in result).toBe(true);
          if ("error" in result) expectEnvelopeError(result.error);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses an envelope sealed under another master key", async () => {
    await fc.assert(
      fc.asyncProperty(bytes(0, 64), sessionId, async (plaintext, id) => {
        // Prepare
        const envelope = await otherSealer.seal(plaintext, id);
        // Act
        const result = await openOutcome(() => sealer.open(envelope, id));
        // Assess
        expect("error" in result).toBe(true);
        if ("error" in result) expectEnvelopeError(result.error);
      }),
      { numRuns: 100 },
    );
  });
});
