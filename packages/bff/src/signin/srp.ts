import { createHmac } from "node:crypto";
import type AuthenticationHelper from "amazon-cognito-identity-js/lib/AuthenticationHelper.js";
import type BigInteger from "amazon-cognito-identity-js/lib/BigInteger.js";
import type DateHelper from "amazon-cognito-identity-js/lib/DateHelper.js";

/**
 * Cognito's SRP-6a, with AWS's own implementation: `AuthenticationHelper`
 * from amazon-cognito-identity-js (the 3072-bit RFC 3526 group, g = 2,
 * SHA-256, the "Caldera Derived Key" HKDF) does the maths, so the BFF holds
 * no hand-written crypto primitive; the final HMAC is node:crypto's, as
 * Amplify's `CognitoUser` does it. The password never leaves the BFF:
 * Cognito checks a proof of it.
 */

interface SrpLibrary {
  AuthenticationHelper: typeof AuthenticationHelper;
  BigInteger: typeof BigInteger;
  DateHelper: typeof DateHelper;
}

let library: Promise<SrpLibrary> | undefined;

/**
 * Loaded on the first sign-in only, so the library lands in a lazy chunk
 * (cold start stays small). The three come from lib/ together: the helper
 * checks `instanceof BigInteger`, so B and the salt must be built by the
 * very module it uses, and lib/ is what every runtime (Node, esbuild) resolves.
 */
function loadLibrary(): Promise<SrpLibrary> {
  library ??= Promise.all([
    import("amazon-cognito-identity-js/lib/AuthenticationHelper.js"),
    import("amazon-cognito-identity-js/lib/BigInteger.js"),
    import("amazon-cognito-identity-js/lib/DateHelper.js"),
  ]).then(([helper, bigInteger, date]) => ({
    AuthenticationHelper: cjsDefault(helper),
    BigInteger: cjsDefault(bigInteger),
    DateHelper: cjsDefault(date),
  }));
  return library;
}

/** Babel's CommonJS `exports.default`: Node puts the exports object under `default`, a bundler may unwrap it already. */
function cjsDefault<T>(module: { default: T }): T {
  const value = module.default as T | { default: T };
  return typeof value === "function" ? value : (value as { default: T }).default;
}

/** An SRP ephemeral key pair for one sign-in request; its secret half stays inside the helper. */
export interface SrpClientKey {
  /** `SRP_A` as Cognito expects it: lowercase hex. */
  readonly largeAHex: string;
  readonly helper: AuthenticationHelper;
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

/** The user pool's name as SRP hashes it: the part of the id after the region and underscore. */
function poolNameOf(userPoolId: string): string {
  return userPoolId.split("_")[1] ?? "";
}

/**
 * A fresh ephemeral key (the helper draws `a` from a CSPRNG) for a sign-in
 * against this user pool.
 */
export async function createSrpClientKey(userPoolId: string): Promise<SrpClientKey> {
  const lib = await loadLibrary();
  const helper = new lib.AuthenticationHelper(poolNameOf(userPoolId));
  const largeA = await new Promise<BigInteger>((resolve, reject) =>
    helper.getLargeAValue((error, value) => (error || !value ? reject(error ?? new Error("No SRP_A")) : resolve(value))),
  );
  return { largeAHex: largeA.toString(16), helper };
}

/**
 * The `PASSWORD_VERIFIER` answer: `PASSWORD_CLAIM_SIGNATURE`, an HMAC-SHA256
 * over the pool name, user id, secret block and timestamp, keyed by the SRP
 * session key; `TIMESTAMP` is now in Cognito's format.
 */
export async function computePasswordClaim(input: {
  userPoolId: string;
  password: string;
  key: SrpClientKey;
  challenge: SrpChallenge;
}): Promise<{ signature: string; timestamp: string }> {
  const lib = await loadLibrary();
  const hkdf = await new Promise<Uint8Array>((resolve, reject) => {
    // The helper throws (B ≡ 0, u = 0) or calls back, both synchronously.
    try {
      input.key.helper.getPasswordAuthenticationKey(
        input.challenge.userIdForSrp,
        input.password,
        new lib.BigInteger(input.challenge.srpBHex, 16),
        new lib.BigInteger(input.challenge.saltHex, 16),
        (error, value) => (error || !value ? reject(error ?? new Error("No SRP key")) : resolve(value)),
      );
    } catch (error) {
      reject(error);
    }
  });
  const timestamp = new lib.DateHelper().getNowString();
  const signature = createHmac("sha256", hkdf)
    .update(Buffer.from(poolNameOf(input.userPoolId), "utf8"))
    .update(Buffer.from(input.challenge.userIdForSrp, "utf8"))
    .update(Buffer.from(input.challenge.secretBlock, "base64"))
    .update(Buffer.from(timestamp, "utf8"))
    .digest("base64");
  return { signature, timestamp };
}
