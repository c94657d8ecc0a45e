import { createHash, createHmac, getDiffieHellman, randomBytes } from "node:crypto";

/**
 * The client side of Cognito's SRP-6a (as in amazon-cognito-identity-js /
 * Amplify's AuthenticationHelper): the 3072-bit group of RFC 3526 (Node's
 * `modp15`), g = 2, SHA-256, and Cognito's "Caldera Derived Key" HKDF. The
 * password never leaves the BFF: Cognito checks a proof of it.
 */
export const SRP_N = BigInt(`0x${getDiffieHellman("modp15").getPrime("hex")}`);
export const SRP_G = 2n;

/** An SRP ephemeral key pair; `smallA` is secret and lives only for one sign-in request. */
export interface SrpClientKey {
  smallA: bigint;
  largeA: bigint;
  /** `SRP_A` as Cognito expects it: lowercase hex. */
  largeAHex: string;
}

/** What `InitiateAuth` returns for `PASSWORD_VERIFIER`. */
export interface SrpChallenge {
  /** `USER_ID_FOR_SRP`: the user's real user name (not an alias). */
  userIdForSrp: string;
  srpBHex: string;
  saltHex: string;
  /** `SECRET_BLOCK`, base64. */
  secretBlock: string;
}

export function createSrpClientKey(random: Uint8Array = randomBytes(128)): SrpClientKey {
  const smallA = BigInt(`0x${Buffer.from(random).toString("hex")}`) % SRP_N;
  const largeA = modPow(SRP_G, smallA, SRP_N);
  if (largeA % SRP_N === 0n) throw new Error("Invalid SRP key");
  return { smallA, largeA, largeAHex: largeA.toString(16) };
}

/**
 * The `PASSWORD_VERIFIER` answer: `PASSWORD_CLAIM_SIGNATURE` over the pool
 * name, user id, secret block and timestamp, keyed by the SRP session key.
 */
export function computePasswordClaim(input: {
  userPoolId: string;
  password: string;
  key: SrpClientKey;
  challenge: SrpChallenge;
  date: Date;
}): { signature: string; timestamp: string } {
  const poolName = input.userPoolId.split("_")[1] ?? "";
  const B = BigInt(`0x${input.challenge.srpBHex}`);
  if (B % SRP_N === 0n) throw new Error("Invalid SRP_B");
  const u = hexToBigInt(hexHash(padHex(input.key.largeA) + padHex(B)));
  if (u === 0n) throw new Error("Invalid SRP u");
  const k = hexToBigInt(hexHash(padHex(SRP_N) + padHex(SRP_G)));
  const userHash = createHash("sha256").update(`${poolName}${input.challenge.userIdForSrp}:${input.password}`).digest("hex");
  const x = hexToBigInt(hexHash(padHex(hexToBigInt(input.challenge.saltHex)) + userHash));
  const base = mod(B - k * modPow(SRP_G, x, SRP_N), SRP_N);
  const S = modPow(base, input.key.smallA + u * x, SRP_N);
  const hkdfKey = deriveKey(S, u);
  const timestamp = cognitoTimestamp(input.date);
  const signature = createHmac("sha256", hkdfKey)
    .update(Buffer.from(poolName, "utf8"))
    .update(Buffer.from(input.challenge.userIdForSrp, "utf8"))
    .update(Buffer.from(input.challenge.secretBlock, "base64"))
    .update(Buffer.from(timestamp, "utf8"))
    .digest("base64");
  return { signature, timestamp };
}

/** HKDF-SHA256(ikm = S, salt = u, info = "Caldera Derived Key"), 16 bytes. */
export function deriveKey(S: bigint, u: bigint): Buffer {
  const prk = createHmac("sha256", Buffer.from(padHex(u), "hex"))
    .update(Buffer.from(padHex(S), "hex"))
    .digest();
  return createHmac("sha256", prk)
    .update(Buffer.concat([Buffer.from("Caldera Derived Key", "utf8"), Buffer.from([1])]))
    .digest()
    .subarray(0, 16);
}

/** "Sat Sep 5 09:03:07 UTC 2026": the day of month is not zero-padded (Cognito's format). */
export function cognitoTimestamp(date: Date): string {
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const two = (n: number) => String(n).padStart(2, "0");
  return `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${date.getUTCDate()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

/** Hex of a non-negative integer, with a leading 00 when the high bit is set (the two's-complement form the reference client hashes). */
export function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  else if ("89abcdef".includes(hex[0] ?? "")) hex = `00${hex}`;
  return hex;
}

export function hexHash(hex: string): string {
  return createHash("sha256").update(Buffer.from(hex, "hex")).digest("hex");
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = mod(base, modulus);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    b = (b * b) % modulus;
  }
  return result;
}

function mod(value: bigint, modulus: bigint): bigint {
  const r = value % modulus;
  return r < 0n ? r + modulus : r;
}

function hexToBigInt(hex: string): bigint {
  return BigInt(`0x${hex}`);
}
