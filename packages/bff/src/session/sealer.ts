import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { formatEnvelope, ivBytes, parseEnvelope, tagBytes } from "./envelope.ts";
import { EnvelopeError, toStoreError } from "./errors.ts";
import { defaultKeyContext } from "./key-context.ts";
import type { KeyContext, KeyProvider, Sealer } from "./types.ts";

export interface SealerOptions {
  /**
   * Bound into every data key (the KMS encryption context, or the AAD of the
   * local key wrap). Defaults to `{ purpose: "bff-session", app: "spa-bff" }`.
   */
  context?: KeyContext;
}

/**
 * Envelope encryption with AES-256-GCM: each seal uses a data key from the
 * provider (the KMS provider reuses one for a bounded time), and the envelope
 * carries that key encrypted, so rotating data keys or master keys leaves old
 * envelopes readable. The caller's `aad` (the raw session id, or a login
 * transaction id) is authenticated, so a ciphertext opens only where it was sealed.
 *
 * @example
 * const sealer = createSealer(createLocalKeyProvider({ file: ".local/session-key.json" }));
 * const envelope = await sealer.seal(new TextEncoder().encode("secret"), sessionId);
 * const plaintext = await sealer.open(envelope, sessionId); // EnvelopeError under another id
 */
export function createSealer(keyProvider: KeyProvider, options: SealerOptions = {}): Sealer {
  const context = Object.freeze({ ...(options.context ?? defaultKeyContext) });

  return {
    async seal(plaintext, aad) {
      let dataKey: Awaited<ReturnType<KeyProvider["generateDataKey"]>>;
      try {
        dataKey = await keyProvider.generateDataKey(context);
      } catch (error) {
        throw toStoreError(error);
      }
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv("aes-256-gcm", dataKey.plaintext, iv, { authTagLength: tagBytes });
      cipher.setAAD(aadBytes(aad));
      const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return formatEnvelope({ encryptedKey: dataKey.encrypted, iv, sealed });
    },

    async open(envelope, aad) {
      const parts = parseEnvelope(envelope);
      let key: Uint8Array;
      try {
        key = await keyProvider.decryptDataKey(parts.encryptedKey, context);
      } catch (error) {
        throw toStoreError(error);
      }
      if (key.length !== 32) throw new EnvelopeError("Envelope data key has an invalid length");
      const body = parts.sealed.subarray(0, parts.sealed.length - tagBytes);
      const tag = parts.sealed.subarray(parts.sealed.length - tagBytes);
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, parts.iv, { authTagLength: tagBytes });
        decipher.setAAD(aadBytes(aad));
        decipher.setAuthTag(tag);
        return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
      } catch (error) {
        throw new EnvelopeError("Envelope failed authentication", { cause: error });
      }
    },
  };
}

/** Prefixing the version keeps a v1 ciphertext from ever verifying under a later format. */
function aadBytes(aad: string): Buffer {
  return Buffer.from(`v1\u0000${aad}`, "utf8");
}
