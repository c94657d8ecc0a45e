import type { DecryptCommandOutput, GenerateDataKeyCommandOutput, KMSClient } from "@aws-sdk/client-kms";
import { ConfigError } from "@spa-bff/core";
import { EnvelopeError, toStoreError } from "./errors.ts";
import { canonicalContext } from "./key-context.ts";
import { LruCache } from "./lru-cache.ts";
import type { DataKey, KeyContext, KeyProvider } from "./types.ts";

export interface KmsKeyCacheOptions {
  /** A generated data key seals new envelopes for at most this long (default 300). */
  dataKeyMaxAgeSeconds?: number;
  /** …and for at most this many seals (default 10000). */
  dataKeyMaxUses?: number;
  /** Decrypted data keys kept in memory, by their ciphertext (default 1000). */
  decryptedKeyCacheSize?: number;
}

export interface KmsKeyProviderOptions {
  /** The caller builds the client (region, credentials, endpoint); this module imports the SDK only when first used. */
  client: KMSClient;
  /** Key id, ARN or alias of the symmetric KMS key. */
  keyId: string;
  /** Extra encryption-context entries for every call (for example the stage), usable in key-policy conditions. */
  context?: KeyContext;
  cache?: KmsKeyCacheOptions;
  /** Milliseconds clock; tests inject one to age the data-key cache. */
  now?: () => number;
}

interface CachedDataKey {
  key: DataKey;
  createdAt: number;
  uses: number;
}

/** KMS errors that mean "this ciphertext is not ours", not "KMS is down". */
const untrustedCiphertextErrors = new Set(["InvalidCiphertextException", "IncorrectKeyException"]);

/**
 * Data keys from AWS KMS (`GenerateDataKey`, AES_256) under an encryption
 * context. One data key seals many envelopes for a bounded time and number of
 * uses, and decrypted data keys are kept in a bounded LRU by ciphertext, so a
 * warm request makes no KMS call. Each envelope carries its encrypted data key,
 * so older data keys still open through `Decrypt` after the cache moved on.
 * KMS faults become `SessionStoreError`; a ciphertext KMS rejects as invalid
 * becomes `EnvelopeError`.
 *
 * @example
 * const provider = createKmsKeyProvider({ client: new KMSClient({}), keyId: config.kmsKeyId });
 */
export function createKmsKeyProvider(options: KmsKeyProviderOptions): KeyProvider {
  if (typeof options.keyId !== "string" || options.keyId.length === 0)
    throw new ConfigError('"keyId" must be a non-empty KMS key id, ARN or alias');
  const maxAgeMs = positive(options.cache?.dataKeyMaxAgeSeconds, 300, "dataKeyMaxAgeSeconds") * 1000;
  const maxUses = positive(options.cache?.dataKeyMaxUses, 10_000, "dataKeyMaxUses");
  const decrypted = new LruCache<Uint8Array>(positive(options.cache?.decryptedKeyCacheSize, 1000, "decryptedKeyCacheSize"));
  const now = options.now ?? Date.now;
  const current = new Map<string, CachedDataKey>();
  const generating = new Map<string, Promise<CachedDataKey>>();
  const decrypting = new Map<string, Promise<Uint8Array>>();

  const fullContext = (context: KeyContext): Record<string, string> => ({ ...context, ...options.context });
  const cacheKey = (contextKey: string, encrypted: Uint8Array) => `${contextKey}|${Buffer.from(encrypted).toString("base64url")}`;

  async function generate(context: Record<string, string>, contextKey: string): Promise<CachedDataKey> {
    const { GenerateDataKeyCommand } = await sdk();
    let output: GenerateDataKeyCommandOutput;
    try {
      output = await options.client.send(
        new GenerateDataKeyCommand({ KeyId: options.keyId, KeySpec: "AES_256", EncryptionContext: context }),
      );
    } catch (error) {
      throw toStoreError(error, "The session key service is unavailable, try again shortly");
    }
    if (output?.Plaintext?.length !== 32 || !output.CiphertextBlob?.length) {
      throw toStoreError(new Error("KMS GenerateDataKey returned no usable AES-256 key"));
    }
    const key = { plaintext: new Uint8Array(output.Plaintext as Uint8Array), encrypted: new Uint8Array(output.CiphertextBlob) };
    decrypted.set(cacheKey(contextKey, key.encrypted), key.plaintext);
    return { key, createdAt: now(), uses: 0 };
  }

  async function decrypt(encrypted: Uint8Array, context: Record<string, string>): Promise<Uint8Array> {
    const { DecryptCommand } = await sdk();
    let output: DecryptCommandOutput;
    try {
      output = await options.client.send(
        // Naming the key id keeps KMS from using whatever key a forged ciphertext points at.
        new DecryptCommand({ CiphertextBlob: encrypted, KeyId: options.keyId, EncryptionContext: context }),
      );
    } catch (error) {
      if (error instanceof Error && untrustedCiphertextErrors.has(error.name)) {
        throw new EnvelopeError("Envelope encrypted key was rejected by KMS", { cause: error });
      }
      throw toStoreError(error, "The session key service is unavailable, try again shortly");
    }
    if (output?.Plaintext?.length !== 32) throw toStoreError(new Error("KMS Decrypt returned no usable AES-256 key"));
    return new Uint8Array(output.Plaintext as Uint8Array);
  }

  return {
    kind: "kms",

    async generateDataKey(context) {
      const full = fullContext(context);
      const contextKey = canonicalContext(full);
      for (;;) {
        const cached = current.get(contextKey);
        if (cached && cached.uses < maxUses && now() - cached.createdAt < maxAgeMs) {
          cached.uses += 1;
          return cached.key;
        }
        // One GenerateDataKey for a burst of concurrent seals, not one each.
        let pending = generating.get(contextKey);
        if (!pending) {
          pending = generate(full, contextKey).finally(() => generating.delete(contextKey));
          generating.set(contextKey, pending);
          const fresh = await pending;
          fresh.uses = 1;
          current.set(contextKey, fresh);
          return fresh.key;
        }
        await pending;
      }
    },

    async decryptDataKey(encrypted, context) {
      const full = fullContext(context);
      const key = cacheKey(canonicalContext(full), encrypted);
      const hit = decrypted.get(key);
      if (hit) return hit;
      let pending = decrypting.get(key);
      if (!pending) {
        pending = decrypt(encrypted, full)
          .then((plaintext) => {
            decrypted.set(key, plaintext);
            return plaintext;
          })
          .finally(() => decrypting.delete(key));
        decrypting.set(key, pending);
      }
      return pending;
    },
  };
}

let sdkModule: Promise<typeof import("./kms-sdk.ts")> | undefined;

/** Loaded on first use, so the local key provider and cold starts never pay for the KMS SDK's commands. */
function sdk(): Promise<typeof import("./kms-sdk.ts")> {
  sdkModule ??= import("./kms-sdk.ts");
  return sdkModule;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`"${name}" must be a positive number`);
  return value;
}
