import { EnvelopeError } from "./errors.ts";

/** The only envelope version this code writes and reads. */
export const envelopeVersion = "v1";

/** AES-GCM's recommended 96-bit nonce. */
export const ivBytes = 12;
/** AES-GCM's full 128-bit tag; shorter tags are never accepted. */
export const tagBytes = 16;

/** Bounds that keep a hostile cookie or item from costing memory or CPU. */
const maxEncryptedKeyBytes = 4096;
const maxEnvelopeChars = 350_000;

/** The parts of a `v1` envelope, decoded. */
export interface EnvelopeParts {
  encryptedKey: Uint8Array;
  iv: Uint8Array;
  /** Ciphertext followed by the 16-byte GCM tag. */
  sealed: Uint8Array;
}

/**
 * Formats `v1.<encrypted data key>.<iv>.<ciphertext+tag>`, each part base64url
 * without padding: compact enough for a cookie, self-describing enough that
 * data-key and master-key rotation never strand an old envelope.
 */
export function formatEnvelope(parts: EnvelopeParts): string {
  return [envelopeVersion, b64(parts.encryptedKey), b64(parts.iv), b64(parts.sealed)].join(".");
}

/**
 * Strictly parses an envelope. Anything but exactly four dot-separated parts,
 * the `v1` version, canonical unpadded base64url, a 12-byte iv and a sealed
 * part at least one tag long throws `EnvelopeError`.
 */
export function parseEnvelope(envelope: string): EnvelopeParts {
  if (typeof envelope !== "string" || envelope.length === 0) throw new EnvelopeError("Envelope is empty");
  if (envelope.length > maxEnvelopeChars) throw new EnvelopeError("Envelope is too long");
  const parts = envelope.split(".");
  if (parts.length !== 4) throw new EnvelopeError(`Envelope must have 4 parts, found ${parts.length}`);
  const [version, key, iv, sealed] = parts as [string, string, string, string];
  if (version !== envelopeVersion) throw new EnvelopeError(`Unsupported envelope version. Expected: ${envelopeVersion}`);
  const parsed = {
    encryptedKey: decodePart(key, "encrypted key"),
    iv: decodePart(iv, "iv"),
    sealed: decodePart(sealed, "ciphertext"),
  };
  if (parsed.encryptedKey.length === 0 || parsed.encryptedKey.length > maxEncryptedKeyBytes) {
    throw new EnvelopeError("Envelope encrypted key has an invalid length");
  }
  if (parsed.iv.length !== ivBytes) throw new EnvelopeError(`Envelope iv must be ${ivBytes} bytes`);
  if (parsed.sealed.length < tagBytes) throw new EnvelopeError("Envelope ciphertext is shorter than its tag");
  return parsed;
}

const base64url = /^[A-Za-z0-9_-]+$/;

/**
 * Decodes base64url and rejects anything Node would silently repair (padding,
 * stray characters, non-zero trailing bits), so each envelope has exactly one
 * accepted spelling.
 */
export function decodePart(value: string, name: string): Uint8Array {
  if (!base64url.test(value)) throw new EnvelopeError(`Envelope ${name} is not base64url`);
  const bytes = Buffer.from(value, "base64url");
  if (bytes.toString("base64url") !== value) throw new EnvelopeError(`Envelope ${name} is not canonical base64url`);
  return bytes;
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}
