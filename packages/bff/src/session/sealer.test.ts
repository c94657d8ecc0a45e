import { randomBytes } from "node:crypto";
import { SessionStoreError } from "@spa-bff/core";
import { describe, expect, it } from "vitest";
import { parseEnvelope } from "./envelope.ts";
import { EnvelopeError } from "./errors.ts";
import { createLocalKeyProvider } from "./local-key-provider.ts";
import { createSealer } from "./sealer.ts";
import type { KeyProvider } from "./types.ts";

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const text = (value: string) => new TextEncoder().encode(value);
const read = (value: Uint8Array) => new TextDecoder().decode(value);

function newSealer() {
  return createSealer(createLocalKeyProvider({ key: randomBytes(32) }));
}

function flipBit(part: string, index = 0): string {
  const bytes = Buffer.from(part, "base64url");
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return bytes.toString("base64url");
}

async function expectEnvelopeError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EnvelopeError);
  expect(error).toMatchObject({ name: "EnvelopeError", code: "unauthenticated", status: 401 });
  return error as EnvelopeError;
}

describe("createSealer", () => {
  it("opens what it sealed under the same aad", async () => {
    // Prepare
    const sealer = newSealer();
    // Act
    const envelope = await sealer.seal(text("refresh-token-value"), "session-a");
    const opened = await sealer.open(envelope, "session-a");
    // Assess
    expect(read(opened)).toBe("refresh-token-value");
    expect(envelope).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(envelope).not.toContain("refresh-token-value");
  });

  it("uses a fresh iv for every seal of the same plaintext", async () => {
    // Prepare
    const sealer = newSealer();
    // Act
    const first = await sealer.seal(text("same"), "aad");
    const second = await sealer.seal(text("same"), "aad");
    // Assess
    expect(parseEnvelope(first).iv).not.toEqual(parseEnvelope(second).iv);
    expect(first).not.toBe(second);
  });

  it("round-trips an empty plaintext", async () => {
    // Prepare
    const sealer = newSealer();
    // Act
    const opened = await sealer.open(await sealer.seal(new Uint8Array(), "aad"), "aad");
    // Assess
    expect(opened.length).toBe(0);
  });

  it("refuses to open under another aad", async () => {
    // Prepare
    const sealer = newSealer();
    const envelope = await sealer.seal(text("secret"), "session-a");
    // Act
    const error = await expectEnvelopeError(sealer.open(envelope, "session-b"));
    // Assess
    expect(error.message).toBe("Envelope failed authentication");
  });

  it("refuses an envelope sealed under another master key", async () => {
    // Prepare
    const envelope = await newSealer().seal(text("secret"), "aad");
    // Act
    const error = await expectEnvelopeError(newSealer().open(envelope, "aad"));
    // Assess
    expect(error.message).toBe("Envelope encrypted key failed authentication");
  });

  it("refuses an envelope sealed under another key context", async () => {
    // Prepare
    const provider = createLocalKeyProvider({ key: randomBytes(32) });
    const envelope = await createSealer(provider, { context: { purpose: "login" } }).seal(text("secret"), "aad");
    // Act
    const error = await expectEnvelopeError(createSealer(provider).open(envelope, "aad"));
    // Assess
    expect(error.message).toBe("Envelope encrypted key failed authentication");
  });

  it.each([
    ["the encrypted key", 1],
    ["the iv", 2],
    ["the ciphertext", 3],
  ])("refuses an envelope with one bit flipped in %s", async (_name, index) => {
    // Prepare
    const sealer = newSealer();
    const parts = (await sealer.seal(text("secret"), "aad")).split(".");
    const tampered = parts.map((part, i) => (i === index ? flipBit(part) : part)).join(".");
    // Act
    const error = await expectEnvelopeError(sealer.open(tampered, "aad"));
    // Assess
    expect(error.message).toMatch(/failed authentication|malformed/);
  });

  it("refuses an envelope whose tag has one bit flipped", async () => {
    // Prepare
    const sealer = newSealer();
    const parts = (await sealer.seal(text("secret"), "aad")).split(".");
    const sealed = Buffer.from(parts[3] ?? "", "base64url");
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] ?? 0) ^ 0x80;
    parts[3] = sealed.toString("base64url");
    // Act
    const error = await expectEnvelopeError(sealer.open(parts.join("."), "aad"));
    // Assess
    expect(error.message).toBe("Envelope failed authentication");
  });

  it.each<[string, (envelope: string) => string, string]>([
    ["the empty string", () => "", "Envelope is empty"],
    [
      "a ciphertext truncated by one byte",
      (e) => e.replace(/[^.]+$/, (c) => Buffer.from(c, "base64url").subarray(0, -1).toString("base64url")),
      "Envelope failed authentication",
    ],
    ["an envelope cut inside its parts", (e) => e.slice(0, e.lastIndexOf(".")), "Envelope must have 4 parts, found 3"],
    ["an extra part", (e) => `${e}.AAAA`, "Envelope must have 4 parts, found 5"],
    ["an empty part", (e) => e.replace(/\.[^.]+\./, ".."), "Envelope encrypted key is not base64url"],
    ["another version", (e) => e.replace(/^v1/, "v2"), "Unsupported envelope version. Expected: v1"],
    ["no version", (e) => e.replace(/^v1\./, ""), "Envelope must have 4 parts, found 3"],
    ["padding", (e) => `${e}=`, "Envelope ciphertext is not base64url"],
    ["standard base64 characters", (e) => e.replace(/\.([^.]+)$/, ".+/+/"), "Envelope ciphertext is not base64url"],
    [
      "non-canonical trailing bits",
      (e) => e.replace(/.$/, (c) => alphabet[alphabet.indexOf(c) | 1] ?? c),
      "Envelope ciphertext is not canonical base64url",
    ],
    ["a short iv", (e) => e.replace(/\.([^.]+)\.([^.]+)$/, ".AAAA.$2"), "Envelope iv must be 12 bytes"],
    ["a ciphertext shorter than a tag", (e) => e.replace(/\.[^.]+$/, ".AAAA"), "Envelope ciphertext is shorter than its tag"],
    ["an oversized envelope", (e) => e + "A".repeat(400_000), "Envelope is too long"],
    ["a garbled encrypted key", (e) => e.replace(/^v1\.[^.]+/, "v1.AAAA"), "Envelope encrypted key is malformed"],
  ])("refuses %s with EnvelopeError", async (_name, mutate, message) => {
    // Prepare
    const sealer = newSealer();
    const envelope = await sealer.seal(text("secret"), "aad");
    // Act
    const error = await expectEnvelopeError(sealer.open(mutate(envelope), "aad"));
    // Assess
    expect(error.message).toBe(message);
  });

  it("reports a key provider outage as SessionStoreError, not as a bad envelope", async () => {
    // Prepare
    const sealer = newSealer();
    const envelope = await sealer.seal(text("secret"), "aad");
    const outage = new Error("connect ECONNREFUSED");
    const down: KeyProvider = {
      kind: "kms",
      generateDataKey: () => Promise.reject(outage),
      decryptDataKey: () => Promise.reject(outage),
    };
    // Act
    const openError = await createSealer(down)
      .open(envelope, "aad")
      .catch((caught: unknown) => caught);
    const sealError = await createSealer(down)
      .seal(text("x"), "aad")
      .catch((caught: unknown) => caught);
    // Assess
    for (const error of [openError, sealError]) {
      expect(error).toBeInstanceOf(SessionStoreError);
      expect(error).toMatchObject({ code: "session_store_unavailable", status: 503, cause: outage });
    }
  });
});
