import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { DecryptCommand, GenerateDataKeyCommand, InvalidCiphertextException, KMSClient } from "@aws-sdk/client-kms";
import { mockClient } from "aws-sdk-client-mock";

/**
 * A KMS double for tests, on aws-sdk-client-mock: `GenerateDataKey` returns a
 * random key wrapped with AES-GCM under a test master key, the encryption
 * context and key id bound as AAD, and `Decrypt` unwraps it or throws
 * `InvalidCiphertextException` as KMS does for a foreign blob or another context.
 */
export function createFakeKms(keyId = "alias/bff-session") {
  const client = new KMSClient({ region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  const mock = mockClient(client);
  const master = randomBytes(32);
  let failure: { error: Error; times: number } | undefined;
  const failIfAsked = () => {
    if (!failure) return;
    const { error } = failure;
    failure.times -= 1;
    if (failure.times <= 0) failure = undefined;
    throw error;
  };
  const aad = (id: unknown, context: unknown) => Buffer.from(JSON.stringify([id, Object.entries((context ?? {}) as object).sort()]));

  mock.on(GenerateDataKeyCommand).callsFake((input: { KeyId?: string; EncryptionContext?: Record<string, string> }) => {
    failIfAsked();
    const plaintext = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", master, iv);
    cipher.setAAD(aad(input.KeyId, input.EncryptionContext));
    const blob = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return { KeyId: input.KeyId, Plaintext: new Uint8Array(plaintext), CiphertextBlob: new Uint8Array(blob) };
  });
  mock
    .on(DecryptCommand)
    .callsFake((input: { KeyId?: string; CiphertextBlob?: Uint8Array; EncryptionContext?: Record<string, string> }) => {
      failIfAsked();
      const blob = Buffer.from(input.CiphertextBlob ?? new Uint8Array());
      try {
        const decipher = createDecipheriv("aes-256-gcm", master, blob.subarray(0, 12));
        decipher.setAAD(aad(input.KeyId, input.EncryptionContext));
        decipher.setAuthTag(blob.subarray(blob.length - 16));
        const plaintext = Buffer.concat([decipher.update(blob.subarray(12, blob.length - 16)), decipher.final()]);
        return { KeyId: input.KeyId, Plaintext: new Uint8Array(plaintext) };
      } catch {
        throw new InvalidCiphertextException({ message: "InvalidCiphertextException", $metadata: {} });
      }
    });

  return {
    client,
    mock,
    keyId,
    /** The next `times` calls (any command) throw `error`, as KMS does during an outage. */
    fail(error: Error, times = Number.POSITIVE_INFINITY) {
      // `fail(error, 0)` ends an outage.
      failure = times > 0 ? { error, times } : undefined;
    },
  };
}
