import { createHash, createHmac, getDiffieHellman, randomBytes, timingSafeEqual } from "node:crypto";

/** The 3072-bit group of RFC 3526 (Node's `modp15`) and g = 2, Cognito's SRP group. */
export const SRP_N = BigInt(`0x${getDiffieHellman("modp15").getPrime("hex")}`);
const SRP_G = 2n;

/**
 * Test support only: the server half of Cognito's SRP for tests: it holds a verifier
 * v = g^x (never the password), answers `SRP_A` with `SRP_B`, and checks the
 * client's `PASSWORD_CLAIM_SIGNATURE` with S = (A·v^u)^b, the other side of
 * the equation the client solves, so a mistake in the client's algebra fails.
 */
export function createSrpServer(options: { userPoolId: string; userIdForSrp: string; password: string }) {
  const poolName = options.userPoolId.split("_")[1] ?? "";
  const saltHex = randomBytes(16).toString("hex");
  const userHash = createHash("sha256").update(`${poolName}${options.userIdForSrp}:${options.password}`).digest("hex");
  const x = BigInt(`0x${hexHash(padHex(BigInt(`0x${saltHex}`)) + userHash)}`);
  const v = modPow(SRP_G, x, SRP_N);
  const k = BigInt(`0x${hexHash(padHex(SRP_N) + padHex(SRP_G))}`);

  return {
    saltHex,
    /** Answers `SRP_A`; returns what `InitiateAuth` would put in ChallengeParameters, plus the server's secret `b`. */
    challenge(srpAHex: string) {
      const b = BigInt(`0x${randomBytes(128).toString("hex")}`) % SRP_N;
      const B = (k * v + modPow(SRP_G, b, SRP_N)) % SRP_N;
      const secretBlock = randomBytes(48).toString("base64");
      return {
        A: BigInt(`0x${srpAHex}`),
        b,
        B,
        parameters: { SRP_B: B.toString(16), SALT: saltHex, SECRET_BLOCK: secretBlock, USER_ID_FOR_SRP: options.userIdForSrp },
      };
    },
    /** True when the claim proves the password for this challenge. */
    verify(
      state: { A: bigint; b: bigint; B: bigint; parameters: { SECRET_BLOCK: string } },
      signature: string,
      timestamp: string,
    ): boolean {
      const u = BigInt(`0x${hexHash(padHex(state.A) + padHex(state.B))}`);
      const S = modPow((state.A * modPow(v, u, SRP_N)) % SRP_N, state.b, SRP_N);
      const expected = createHmac("sha256", deriveKey(S, u))
        .update(Buffer.from(poolName, "utf8"))
        .update(Buffer.from(options.userIdForSrp, "utf8"))
        .update(Buffer.from(state.parameters.SECRET_BLOCK, "base64"))
        .update(Buffer.from(timestamp, "utf8"))
        .digest();
      const actual = Buffer.from(signature, "base64");
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}

// The reference side of the check is written out here, independently of the
// library under test, so a mistake in either one makes the claims disagree.

/** Hex of a non-negative integer, with a leading 00 when the high bit is set (Java's two's-complement bytes). */
function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if ("89abcdef".includes(hex[0] ?? "")) hex = `00${hex}`;
  return hex;
}

function hexHash(hex: string): string {
  return createHash("sha256").update(Buffer.from(hex, "hex")).digest("hex");
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    b = (b * b) % modulus;
  }
  return result;
}

/** HKDF-SHA256(ikm = S, salt = u, info = "Caldera Derived Key"), 16 bytes. */
function deriveKey(S: bigint, u: bigint): Buffer {
  const prk = createHmac("sha256", Buffer.from(padHex(u), "hex"))
    .update(Buffer.from(padHex(S), "hex"))
    .digest();
  return createHmac("sha256", prk)
    .update(Buffer.concat([Buffer.from("Caldera Derived Key", "utf8"), Buffer.from([1])]))
    .digest()
    .subarray(0, 16);
}
