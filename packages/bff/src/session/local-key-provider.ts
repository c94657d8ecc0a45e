import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { link, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { ConfigError } from "@spa-bff/core";
import { EnvelopeError } from "./errors.ts";
import { canonicalContext } from "./key-context.ts";
import type { DataKey, KeyContext, KeyProvider } from "./types.ts";

/** Master keys by key id; new data keys are wrapped under `currentKeyId`, the others only unwrap. */
export interface LocalKeyring {
  currentKeyId: string;
  keys: Readonly<Record<string, Uint8Array>>;
}

export type LocalKeyProviderOptions =
  /** A JSON keyring file, created once (mode 0600) when missing and reused. */
  | { file: string }
  /** One in-memory master key (tests, or a key from a secret store). */
  | { key: Uint8Array; keyId?: string }
  /** Several in-memory master keys, for rotation. */
  | { keyring: LocalKeyring };

const keyBytes = 32;
const ivBytes = 12;
const tagBytes = 16;
const wrapFormat = 1;
const keyIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The key provider for the local platform and tests: data keys are random
 * 256-bit keys wrapped with AES-256-GCM under a local master key, the key
 * context and key id bound as AAD. The wrapped key names its master key id, so
 * after {@link rotateLocalKeyFile} envelopes sealed under an older master key
 * still open. Nothing happens until the first seal or open (no work at cold start).
 *
 * @example
 * const provider = createLocalKeyProvider({ file: ".local/session-key.json" });
 */
export function createLocalKeyProvider(options: LocalKeyProviderOptions): KeyProvider {
  let keyring: Promise<LocalKeyring> | undefined;
  if ("file" in options) {
    if (typeof options.file !== "string" || options.file.length === 0) throw new ConfigError('"file" must be a non-empty path');
  } else {
    keyring = Promise.resolve(
      validateKeyring(
        "keyring" in options
          ? options.keyring
          : { currentKeyId: options.keyId ?? "memory", keys: { [options.keyId ?? "memory"]: options.key } },
      ),
    );
  }

  const load = (): Promise<LocalKeyring> => {
    if (keyring) return keyring;
    const file = (options as { file: string }).file;
    const pending = loadOrCreateKeyFile(file);
    keyring = pending;
    // A failed read (disk hiccup) must not poison every later request.
    pending.catch(() => {
      if (keyring === pending) keyring = undefined;
    });
    return pending;
  };

  return {
    kind: "local",
    async generateDataKey(context: KeyContext): Promise<DataKey> {
      const ring = await load();
      const master = ring.keys[ring.currentKeyId] as Uint8Array;
      const plaintext = new Uint8Array(randomBytes(keyBytes));
      return { plaintext, encrypted: wrap(master, ring.currentKeyId, plaintext, context) };
    },
    async decryptDataKey(encrypted: Uint8Array, context: KeyContext): Promise<Uint8Array> {
      const ring = await load();
      return unwrap(ring, encrypted, context);
    },
  };
}

function wrapAad(keyId: string, context: KeyContext): Buffer {
  return Buffer.from(`local-v${wrapFormat}\u0000${keyId}\u0000${canonicalContext(context)}`, "utf8");
}

/** Layout: format (1) | key id length (1) | key id | iv (12) | wrapped key (32) | tag (16). */
function wrap(master: Uint8Array, keyId: string, plaintext: Uint8Array, context: KeyContext): Uint8Array {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv("aes-256-gcm", master, iv, { authTagLength: tagBytes });
  cipher.setAAD(wrapAad(keyId, context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const id = Buffer.from(keyId, "utf8");
  return new Uint8Array(Buffer.concat([Buffer.from([wrapFormat, id.length]), id, iv, body, cipher.getAuthTag()]));
}

function unwrap(ring: LocalKeyring, encrypted: Uint8Array, context: KeyContext): Uint8Array {
  const bytes = Buffer.from(encrypted.buffer, encrypted.byteOffset, encrypted.byteLength);
  const idLength = bytes[1] ?? 0;
  if (bytes[0] !== wrapFormat || bytes.length !== 2 + idLength + ivBytes + keyBytes + tagBytes) {
    throw new EnvelopeError("Envelope encrypted key is malformed");
  }
  const keyId = bytes.subarray(2, 2 + idLength).toString("utf8");
  const master = Object.hasOwn(ring.keys, keyId) ? ring.keys[keyId] : undefined;
  if (!master) throw new EnvelopeError("Envelope encrypted key names an unknown master key");
  const ivStart = 2 + idLength;
  const iv = bytes.subarray(ivStart, ivStart + ivBytes);
  const body = bytes.subarray(ivStart + ivBytes, ivStart + ivBytes + keyBytes);
  const tag = bytes.subarray(ivStart + ivBytes + keyBytes);
  try {
    const decipher = createDecipheriv("aes-256-gcm", master, iv, { authTagLength: tagBytes });
    decipher.setAAD(wrapAad(keyId, context));
    decipher.setAuthTag(tag);
    return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
  } catch (error) {
    throw new EnvelopeError("Envelope encrypted key failed authentication", { cause: error });
  }
}

function validateKeyring(ring: LocalKeyring): LocalKeyring {
  const keys: Record<string, Uint8Array> = {};
  for (const [id, key] of Object.entries(ring.keys)) {
    if (!keyIdPattern.test(id)) throw new ConfigError(`Invalid local key id "${id}". Expected: 1-64 characters of [A-Za-z0-9_-]`);
    if (!(key instanceof Uint8Array) || key.length !== keyBytes)
      throw new ConfigError(`Invalid local key "${id}". Expected: ${keyBytes} bytes`);
    keys[id] = new Uint8Array(key);
  }
  if (!Object.hasOwn(keys, ring.currentKeyId))
    throw new ConfigError(`Local keyring has no key for its current key id "${ring.currentKeyId}"`);
  return Object.freeze({ currentKeyId: ring.currentKeyId, keys: Object.freeze(keys) });
}

interface KeyFileJson {
  version: 1;
  currentKeyId: string;
  keys: Record<string, string>;
}

function newKeyId(): string {
  return `k${Date.now().toString(36)}${randomBytes(4).toString("hex")}`;
}

function toJson(ring: LocalKeyring): string {
  const keys = Object.fromEntries(Object.entries(ring.keys).map(([id, key]) => [id, Buffer.from(key).toString("base64url")]));
  const json: KeyFileJson = { version: 1, currentKeyId: ring.currentKeyId, keys };
  return `${JSON.stringify(json, null, 2)}\n`;
}

async function readKeyFile(file: string): Promise<LocalKeyring> {
  const info = await stat(file);
  // Like ssh with a private key: a key others can read is refused, not silently used.
  if (process.platform !== "win32" && (info.mode & 0o077) !== 0) {
    throw new ConfigError(`Local key file "${file}" is accessible by other users. Expected: mode 0600`);
  }
  const text = await readFile(file, "utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`Local key file "${file}" is not JSON`);
  }
  const json = parsed as Partial<KeyFileJson> | null;
  if (json?.version !== 1 || typeof json.currentKeyId !== "string" || typeof json.keys !== "object" || json.keys === null) {
    throw new ConfigError(`Local key file "${file}" is malformed. Expected: {"version":1,"currentKeyId":…,"keys":{…}}`);
  }
  const keys: Record<string, Uint8Array> = {};
  for (const [id, value] of Object.entries(json.keys)) {
    if (typeof value !== "string") throw new ConfigError(`Local key file "${file}" has a non-string key "${id}"`);
    keys[id] = new Uint8Array(Buffer.from(value, "base64url"));
  }
  return validateKeyring({ currentKeyId: json.currentKeyId, keys });
}

async function loadOrCreateKeyFile(file: string): Promise<LocalKeyring> {
  try {
    return await readKeyFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const id = newKeyId();
  const ring: LocalKeyring = { currentKeyId: id, keys: { [id]: new Uint8Array(randomBytes(keyBytes)) } };
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // Written aside, then linked into place: link fails if the file exists, so two
  // processes starting together agree on one key and nobody reads a half-written file.
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temp, toJson(ring), { mode: 0o600, flag: "wx" });
    await link(temp, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
  } finally {
    await rm(temp, { force: true });
  }
  return readKeyFile(file);
}

/**
 * Adds a fresh master key to a local keyring file and makes it current; older
 * keys stay, so envelopes sealed under them still open. Providers already
 * running keep the keyring they loaded until restarted. Returns the new key id.
 */
export async function rotateLocalKeyFile(file: string): Promise<string> {
  const ring = await readKeyFile(file);
  const id = newKeyId();
  const next: LocalKeyring = { currentKeyId: id, keys: { ...ring.keys, [id]: new Uint8Array(randomBytes(keyBytes)) } };
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temp, toJson(next), { mode: 0o600, flag: "wx" });
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
  return id;
}
