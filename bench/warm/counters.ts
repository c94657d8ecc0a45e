import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KMSClient } from "@aws-sdk/client-kms";

/** Calls by name (an SDK command such as "GetItem", or a URL path). */
export type CallCounts = Record<string, number>;

interface MiddlewareTarget {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>,
      options: { step: "initialize"; name: string; priority?: "high" | "low" },
    ): void;
  };
}

/**
 * Counts every command an AWS SDK v3 client sends, by operation, with a
 * middleware at the first step: retries of one command count once, as one
 * billed request would.
 */
export function countCommands(client: DynamoDBClient | KMSClient, counts: CallCounts): void {
  // Both clients share smithy's middleware stack; only their generic input/output types differ.
  (client.middlewareStack as unknown as MiddlewareTarget["middlewareStack"]).add(
    (next, context) => (args) => {
      const name = (context.commandName ?? "Unknown").replace(/Command$/, "");
      counts[name] = (counts[name] ?? 0) + 1;
      return next(args);
    },
    { step: "initialize", name: "benchCountCommands", priority: "high" },
  );
}

/** Wraps fetch so each call is counted by the URL's path (IdP endpoints, upstream routes). */
export function countingFetch(counts: CallCounts, inner: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    counts[url.pathname] = (counts[url.pathname] ?? 0) + 1;
    return inner(input, init);
  };
}

export function total(counts: CallCounts): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

export function reset(counts: CallCounts): void {
  for (const key of Object.keys(counts)) delete counts[key];
}

/**
 * A KMS client whose commands never leave the process (there is no KMS
 * emulator): a last middleware answers GenerateDataKey and Decrypt by
 * wrapping keys with AES-GCM under an in-memory master key, bound to the
 * encryption context like KMS does. Counting is a separate middleware
 * ({@link countCommands}), so it sees what the BFF really sends.
 */
export function createOfflineKmsClient(): KMSClient {
  const client = new KMSClient({ region: "us-east-1", credentials: { accessKeyId: "bench", secretAccessKey: "bench" } });
  const master = randomBytes(32);
  const aad = (context: unknown) => Buffer.from(JSON.stringify(Object.entries((context ?? {}) as object).sort()));
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const input = (args as { input: { EncryptionContext?: Record<string, string>; CiphertextBlob?: Uint8Array; KeyId?: string } }).input;
      if (context.commandName === "GenerateDataKeyCommand") {
        const plaintext = randomBytes(32);
        const iv = randomBytes(12);
        const cipher = createCipheriv("aes-256-gcm", master, iv).setAAD(aad(input.EncryptionContext));
        const blob = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
        return {
          output: { KeyId: input.KeyId, Plaintext: new Uint8Array(plaintext), CiphertextBlob: new Uint8Array(blob), $metadata: {} },
          response: {},
        };
      }
      if (context.commandName === "DecryptCommand") {
        const blob = Buffer.from(input.CiphertextBlob ?? new Uint8Array());
        const decipher = createDecipheriv("aes-256-gcm", master, blob.subarray(0, 12)).setAAD(aad(input.EncryptionContext));
        decipher.setAuthTag(blob.subarray(blob.length - 16));
        const plaintext = Buffer.concat([decipher.update(blob.subarray(12, blob.length - 16)), decipher.final()]);
        return { output: { KeyId: input.KeyId, Plaintext: new Uint8Array(plaintext), $metadata: {} }, response: {} };
      }
      throw new Error(`the offline KMS does not implement ${context.commandName ?? "this command"}`);
    },
    { step: "initialize", name: "benchOfflineKms", priority: "low" },
  );
  return client;
}
