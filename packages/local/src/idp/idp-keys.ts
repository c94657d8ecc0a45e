import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "@spa-bff/core";

/** A private RSA signing key in JWK form, as oidc-provider's `jwks` takes it. */
export interface SigningJwk {
  readonly kty: "RSA";
  readonly kid: string;
  readonly alg: "RS256";
  readonly use: "sig";
  readonly [parameter: string]: string;
}

/** Everything the IdP must keep across restarts so issued tokens and cookies stay valid. */
export interface IdpKeys {
  readonly jwks: { readonly keys: readonly SigningJwk[] };
  /** Keys oidc-provider signs its cookies with (keygrip). */
  readonly cookieKeys: readonly string[];
}

const keysFileName = "idp-keys.json";

function generateIdpKeys(): IdpKeys {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" }) as Record<string, string>;
  const signingKey = { ...jwk, kty: "RSA", kid: randomUUID(), alg: "RS256", use: "sig" } as const;
  return { jwks: { keys: [signingKey] }, cookieKeys: [randomBytes(32).toString("base64url"), randomBytes(32).toString("base64url")] };
}

function isIdpKeys(value: unknown): value is IdpKeys {
  if (typeof value !== "object" || value === null) return false;
  const { jwks, cookieKeys } = value as { jwks?: { keys?: unknown }; cookieKeys?: unknown };
  return (
    Array.isArray(jwks?.keys) &&
    jwks.keys.length > 0 &&
    jwks.keys.every(
      (key: { kty?: unknown; d?: unknown; kid?: unknown }) => key.kty === "RSA" && typeof key.d === "string" && typeof key.kid === "string",
    ) &&
    Array.isArray(cookieKeys) &&
    cookieKeys.length > 0 &&
    cookieKeys.every((key) => typeof key === "string" && key.length >= 32)
  );
}

/**
 * The IdP's signing and cookie keys. With a folder they are generated once
 * into `<keysDir>/idp-keys.json` (mode 0600) and reused, so tokens, JWKS
 * caches and browser sessions survive a restart of `npm start`; with `null`
 * they are generated in memory (tests). Never oidc-provider's throw-away
 * development keys.
 */
export async function loadOrCreateIdpKeys(keysDir: string | null): Promise<IdpKeys> {
  if (keysDir === null) return generateIdpKeys();
  const file = join(keysDir, keysFileName);
  let text: string | undefined;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`Invalid local IdP key file "${file}": not JSON. Delete it to generate new keys.`, { cause: error });
    }
    if (!isIdpKeys(parsed)) throw new ConfigError(`Invalid local IdP key file "${file}". Delete it to generate new keys.`);
    return parsed;
  }
  const keys = generateIdpKeys();
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  // "wx": if a concurrent start wrote the file first, fail instead of replacing keys already in use.
  await writeFile(file, `${JSON.stringify(keys, null, 2)}\n`, { encoding: "utf8", mode: 0o600, flag: "wx" });
  return keys;
}
