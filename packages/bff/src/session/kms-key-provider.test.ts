import { DecryptCommand, GenerateDataKeyCommand } from "@aws-sdk/client-kms";
import { SessionStoreError } from "@spa-bff/core";
import { describe, expect, it } from "vitest";
import { createFakeKms } from "../testing/fake-kms.ts";
import { EnvelopeError } from "./errors.ts";
import { createKmsKeyProvider } from "./kms-key-provider.ts";
import { createSealer } from "./sealer.ts";

const text = (value: string) => new TextEncoder().encode(value);
const read = (value: Uint8Array) => new TextDecoder().decode(value);

function setup(cache?: Parameters<typeof createKmsKeyProvider>[0]["cache"]) {
  const kms = createFakeKms();
  let clock = 1_000_000;
  const provider = createKmsKeyProvider({ client: kms.client, keyId: kms.keyId, context: { stage: "test" }, cache, now: () => clock });
  return {
    kms,
    provider,
    sealer: createSealer(provider),
    advance: (ms: number) => {
      clock += ms;
    },
    calls: () => ({
      generate: kms.mock.commandCalls(GenerateDataKeyCommand).length,
      decrypt: kms.mock.commandCalls(DecryptCommand).length,
    }),
  };
}

describe("createKmsKeyProvider", () => {
  it("asks KMS for an AES-256 data key under the key id and encryption context", async () => {
    // Prepare
    const { kms, sealer } = setup();
    // Act
    await sealer.seal(text("secret"), "aad");
    // Assess
    const [call] = kms.mock.commandCalls(GenerateDataKeyCommand);
    expect(call?.args[0].input).toEqual({
      KeyId: "alias/bff-session",
      KeySpec: "AES_256",
      EncryptionContext: { purpose: "bff-session", app: "spa-bff", stage: "test" },
    });
  });

  it("makes no KMS call on a warm second seal and open", async () => {
    // Prepare
    const { sealer, calls } = setup();
    const first = await sealer.seal(text("one"), "aad");
    // Act
    const second = await sealer.seal(text("two"), "aad");
    const opened = [read(await sealer.open(first, "aad")), read(await sealer.open(second, "aad"))];
    // Assess
    expect(opened).toEqual(["one", "two"]);
    expect(calls()).toEqual({ generate: 1, decrypt: 0 });
  });

  it("shares one GenerateDataKey among concurrent seals", async () => {
    // Prepare
    const { sealer, calls } = setup();
    // Act
    await Promise.all(Array.from({ length: 10 }, (_, i) => sealer.seal(text(String(i)), "aad")));
    // Assess
    expect(calls().generate).toBe(1);
  });

  it("generates a new data key once the current one reached its maximum uses", async () => {
    // Prepare
    const { sealer, calls } = setup({ dataKeyMaxUses: 2 });
    // Act
    await sealer.seal(text("1"), "aad");
    await sealer.seal(text("2"), "aad");
    const beforeLimit = calls().generate;
    await sealer.seal(text("3"), "aad");
    // Assess
    expect(beforeLimit).toBe(1);
    expect(calls().generate).toBe(2);
  });

  it("generates a new data key once the current one reached its maximum age", async () => {
    // Prepare
    const { sealer, calls, advance } = setup({ dataKeyMaxAgeSeconds: 60 });
    await sealer.seal(text("1"), "aad");
    // Act
    advance(59_999);
    await sealer.seal(text("2"), "aad");
    const beforeLimit = calls().generate;
    advance(1);
    await sealer.seal(text("3"), "aad");
    // Assess
    expect(beforeLimit).toBe(1);
    expect(calls().generate).toBe(2);
  });

  it("opens an envelope sealed under an older data key through Decrypt, then from cache", async () => {
    // Prepare
    const { kms, calls } = setup();
    const writer = createSealer(createKmsKeyProvider({ client: kms.client, keyId: kms.keyId, context: { stage: "test" } }));
    const old = await writer.seal(text("old"), "aad");
    const reader = createSealer(createKmsKeyProvider({ client: kms.client, keyId: kms.keyId, context: { stage: "test" } }));
    await reader.seal(text("new"), "aad");
    // Act
    const first = read(await reader.open(old, "aad"));
    const second = read(await reader.open(old, "aad"));
    // Assess
    expect([first, second]).toEqual(["old", "old"]);
    expect(calls()).toEqual({ generate: 2, decrypt: 1 });
    const [call] = kms.mock.commandCalls(DecryptCommand);
    expect(call?.args[0].input).toMatchObject({
      KeyId: "alias/bff-session",
      EncryptionContext: { purpose: "bff-session", app: "spa-bff", stage: "test" },
    });
  });

  it("evicts the least recently used decrypted key beyond the cache size", async () => {
    // Prepare
    const { kms, calls } = setup();
    const writer = createSealer(createKmsKeyProvider({ client: kms.client, keyId: kms.keyId, cache: { dataKeyMaxUses: 1 } }));
    const envelopes = [await writer.seal(text("a"), "aad"), await writer.seal(text("b"), "aad"), await writer.seal(text("c"), "aad")];
    const reader = createSealer(createKmsKeyProvider({ client: kms.client, keyId: kms.keyId, cache: { decryptedKeyCacheSize: 2 } }));
    // Act
    for (const envelope of envelopes) await reader.open(envelope, "aad");
    const afterFill = calls().decrypt;
    await reader.open(envelopes[2] as string, "aad");
    const afterHit = calls().decrypt;
    await reader.open(envelopes[0] as string, "aad");
    // Assess
    expect([afterFill, afterHit, calls().decrypt]).toEqual([3, 3, 4]);
  });

  it("turns a KMS outage on GenerateDataKey into SessionStoreError", async () => {
    // Prepare
    const { kms, sealer } = setup();
    const outage = Object.assign(new Error("Service unavailable"), { name: "KMSInternalException" });
    kms.fail(outage);
    // Act
    const error = await sealer.seal(text("x"), "aad").catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toMatchObject({
      code: "session_store_unavailable",
      status: 503,
      message: "The session key service is unavailable, try again shortly",
    });
    expect((error as Error).cause).toBe(outage);
  });

  it("turns a KMS outage on Decrypt into SessionStoreError, not a bad envelope", async () => {
    // Prepare
    const { kms } = setup();
    const envelope = await createSealer(createKmsKeyProvider({ client: kms.client, keyId: kms.keyId })).seal(text("x"), "aad");
    kms.fail(Object.assign(new Error("socket hang up"), { name: "TimeoutError" }));
    const reader = createSealer(createKmsKeyProvider({ client: kms.client, keyId: kms.keyId }));
    // Act
    const error = await reader.open(envelope, "aad").catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toMatchObject({ code: "session_store_unavailable" });
  });

  it("treats a data key KMS rejects as invalid ciphertext as a bad envelope", async () => {
    // Prepare
    const { kms } = setup();
    const envelope = await createSealer(createKmsKeyProvider({ client: kms.client, keyId: kms.keyId }), {
      context: { purpose: "login" },
    }).seal(text("x"), "aad");
    const reader = createSealer(createKmsKeyProvider({ client: kms.client, keyId: kms.keyId }));
    // Act
    const error = await reader.open(envelope, "aad").catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(EnvelopeError);
    expect(error).toMatchObject({ code: "unauthenticated", message: "Envelope encrypted key was rejected by KMS" });
  });

  it("retries GenerateDataKey after a failure instead of caching it", async () => {
    // Prepare
    const { kms, sealer } = setup();
    kms.fail(Object.assign(new Error("throttled"), { name: "ThrottlingException" }), 1);
    const failed = await sealer.seal(text("x"), "aad").catch((caught: unknown) => caught);
    // Act
    const envelope = await sealer.seal(text("y"), "aad");
    // Assess
    expect(failed).toBeInstanceOf(SessionStoreError);
    expect(read(await sealer.open(envelope, "aad"))).toBe("y");
  });
});
