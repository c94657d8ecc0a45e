import { createHash, createHmac, getDiffieHellman, randomBytes, timingSafeEqual } from "node:crypto";

/** The 3072-bit group of RFC 3526 (Node's `modp15`) and g = 2, Cognito's SRP group. */
export const SRP_N = BigInt(`0x${getDiffieHellman("modp15").getPrime("hex")}`);
const SRP_G = 2n;

/** What `InitiateAuth` puts in `ChallengeParameters` for `PASSWORD_VERIFIER` (Cognito sends `USERNAME` too). */
export interface SrpChallengeParameters {
  SRP_B: string;
  SALT: string;
  SECRET_BLOCK: string;
  USER_ID_FOR_SRP: string;
  USERNAME: string;
}

/** One SRP exchange, kept server-side between `InitiateAuth` and `RespondToAuthChallenge`; `b` is secret. */
export interface SrpChallengeState {
  readonly A: bigint;
  readonly b: bigint;
  readonly B: bigint;
  readonly parameters: SrpChallengeParameters;
}

/** The server half of Cognito's SRP for one user: a verifier, never the password. */
export interface SrpServer {
  readonly saltHex: string;
  /** Answers `SRP_A` with `SRP_B`; throws a `RangeError` for an `SRP_A` that is 0 mod N (SRP-6a's safety check). */
  challenge(srpAHex: string): SrpChallengeState;
  /** True when the claim proves the password for this challenge. */
  verify(state: Pick<SrpChallengeState, "A" | "b" | "B" | "parameters">, signature: string, timestamp: string): boolean;
}

export interface SrpServerOptions {
  userPoolId: string;
  /** `USER_ID_FOR_SRP`: the user's real user name. */
  userIdForSrp: string;
  password: string;
  /** Hex salt; random when left out. The local Cognito derives a stable one for unknown users, so a second try looks the same. */
  saltHex?: string;
}

/**
 * The server half of Cognito's SRP-6a (RFC 5054 with Cognito's choices:
 * the 3072-bit group, SHA-256, x = H(salt | H(poolName | userId | ":" |
 * password)), and the "Caldera Derived Key" HKDF for the claim's HMAC). It
 * holds a verifier v = g^x, answers `SRP_A` with `SRP_B`, and checks the
 * client's `PASSWORD_CLAIM_SIGNATURE` with S = (A·v^u)^b, the other side of
 * the equation the client solves, so a mistake in the client's algebra fails.
 *
 * Written out independently of amazon-cognito-identity-js (the client the BFF
 * uses), so the two sides cannot share a mistake. The local Cognito uses it
 * for its sign-ins, and the BFF's tests use it (`@spa-bff/local/cognito-srp`).
 *
 * @example
 * const server = createSrpServer({ userPoolId: "eu-west-1_Pool1", userIdForSrp: "alice", password });
 * const state = server.challenge(srpAHex); // state.parameters → ChallengeParameters
 * server.verify(state, responses.PASSWORD_CLAIM_SIGNATURE, responses.TIMESTAMP);
 */
export function createSrpServer(options: SrpServerOptions): SrpServer {
  const poolName = options.userPoolId.split("_")[1] ?? "";
  const saltHex = options.saltHex ?? randomBytes(16).toString("hex");
  const userHash = createHash("sha256").update(`${poolName}${options.userIdForSrp}:${options.password}`).digest("hex");
  const x = BigInt(`0x${hexHash(padHex(BigInt(`0x${saltHex}`)) + userHash)}`);
  const v = modPow(SRP_G, x, SRP_N);
  const k = BigInt(`0x${hexHash(padHex(SRP_N) + padHex(SRP_G))}`);

  return {
    saltHex,
    challenge(srpAHex) {
      const A = /^[0-9a-fA-F]{1,1024}$/.test(srpAHex) ? BigInt(`0x${srpAHex}`) : 0n;
      if (A % SRP_N === 0n) throw new RangeError("SRP_A must be a non-zero value mod N");
      const b = BigInt(`0x${randomBytes(128).toString("hex")}`) % SRP_N;
      const B = (k * v + modPow(SRP_G, b, SRP_N)) % SRP_N;
      const secretBlock = randomBytes(48).toString("base64");
      return {
        A,
        b,
        B,
        parameters: {
          SRP_B: B.toString(16),
          SALT: saltHex,
          SECRET_BLOCK: secretBlock,
          USER_ID_FOR_SRP: options.userIdForSrp,
          USERNAME: options.userIdForSrp,
        },
      };
    },
    verify(state, signature, timestamp) {
      const u = BigInt(`0x${hexHash(padHex(state.A) + padHex(state.B))}`);
      if (u === 0n) return false;
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
