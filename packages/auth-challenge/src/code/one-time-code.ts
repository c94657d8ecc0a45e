import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

/** Digits in a one-time code. */
export const CODE_DIGITS = 6;

/** How long a code may be answered, in milliseconds (5 minutes). */
export const CODE_TTL_MS = 5 * 60 * 1000;

/**
 * What Verify needs, as Cognito's `privateChallengeParameters` (string
 * values only). Cognito keeps these server-side, but they still never hold
 * the code itself: a salted hash means an event dumped to a log by mistake
 * does not give the answer away in clear.
 */
export interface CodeChallengeParameters {
  CODE_HASH: string;
  CODE_SALT: string;
  /** Epoch milliseconds after which the code is refused. */
  EXPIRES_AT: string;
}

/**
 * A fresh 6-digit code from the CSPRNG (`crypto.randomInt`, uniform over
 * 000000–999999; never `Math.random`).
 */
export function generateCode(): string {
  return randomInt(0, 10 ** CODE_DIGITS)
    .toString()
    .padStart(CODE_DIGITS, "0");
}

/** SHA-256 over a per-challenge random salt and the code, base64url. */
export function hashCode(code: string, salt: string): string {
  return createHash("sha256").update(salt).update("\u0000").update(code).digest("base64url");
}

/**
 * A new challenge: the code to deliver and the parameters that verify it.
 * Every call draws a new code and a new salt, so nothing carries over from an
 * earlier challenge or session.
 */
export function createCodeChallenge(nowMs: number): { code: string; expiresAt: number; parameters: CodeChallengeParameters } {
  const code = generateCode();
  const salt = randomBytes(16).toString("base64url");
  const expiresAt = nowMs + CODE_TTL_MS;
  return { code, expiresAt, parameters: { CODE_HASH: hashCode(code, salt), CODE_SALT: salt, EXPIRES_AT: String(expiresAt) } };
}

/**
 * Parameters no answer can match (used when there is no one to send a code
 * to: an unknown user or one without an email), so such a sign-in looks the
 * same from outside and still fails.
 */
export function createUnanswerableChallenge(nowMs: number): CodeChallengeParameters {
  return {
    CODE_HASH: randomBytes(32).toString("base64url"),
    CODE_SALT: randomBytes(16).toString("base64url"),
    EXPIRES_AT: String(nowMs + CODE_TTL_MS),
  };
}

export type CodeCheck = "correct" | "incorrect" | "expired" | "malformed";

/**
 * Checks an answer against the challenge's parameters. The digests are
 * compared with `timingSafeEqual` (both are SHA-256, so always equal length),
 * and the comparison runs even for an expired code, so timing does not tell
 * "expired" from "wrong".
 */
export function checkCode(
  answer: unknown,
  parameters: Partial<Record<keyof CodeChallengeParameters, string>> | undefined,
  nowMs: number,
): CodeCheck {
  const hash = parameters?.CODE_HASH;
  const salt = parameters?.CODE_SALT;
  const expiresAt = Number(parameters?.EXPIRES_AT);
  if (!hash || !salt || !Number.isFinite(expiresAt)) return "malformed";
  if (typeof answer !== "string" || !/^\d{6}$/.test(answer)) return "incorrect";
  const expected = Buffer.from(hash, "base64url");
  const actual = Buffer.from(hashCode(answer, salt), "base64url");
  const matches = expected.length === actual.length && timingSafeEqual(expected, actual);
  if (nowMs > expiresAt) return "expired";
  return matches ? "correct" : "incorrect";
}
