import type { DefineAuthChallengeTriggerEvent } from "aws-lambda";

/** Wrong codes allowed before the sign-in fails. */
export const MAX_CODE_ATTEMPTS = 3;

/** The name Cognito uses for our one-time-code step. */
export const CUSTOM_CHALLENGE = "CUSTOM_CHALLENGE";

export type ChallengeStep = DefineAuthChallengeTriggerEvent["request"]["session"][number];

/** What Define answers: one more challenge, tokens, or failure. */
export type NextStep =
  | { kind: "challenge"; challengeName: "PASSWORD_VERIFIER" | typeof CUSTOM_CHALLENGE }
  | { kind: "issue-tokens" }
  | { kind: "fail"; reason: FailReason };

export type FailReason = "missing-session" | "password-failed" | "unexpected-sequence" | "too-many-codes" | "user-not-found";

/**
 * The decision of the Define trigger, as a pure function of the session
 * history. The only accepted shapes are:
 *
 * 1. `[SRP_A ✓]` → ask for `PASSWORD_VERIFIER` (Cognito checks the password by SRP);
 * 2. `[SRP_A ✓, PASSWORD_VERIFIER ✓]` or `[PASSWORD_VERIFIER ✓]` → ask for the code;
 * 3. then up to {@link MAX_CODE_ATTEMPTS} `CUSTOM_CHALLENGE` answers: tokens
 *    after the first correct one, failure after the third wrong one.
 *
 * Anything else (an empty session, i.e. CUSTOM_AUTH without the password;
 * a failed password step; an unknown challenge name; an answer after a
 * correct one) fails closed.
 *
 * For an unknown user (`userNotFound`, set by Cognito when
 * PreventUserExistenceErrors is on) the decision is the same as for a known
 * one up to the point where tokens would be issued, so the responses do not
 * reveal whether the user exists; it can never reach tokens.
 */
export function decideNextStep(session: readonly ChallengeStep[] | undefined, userNotFound = false): NextStep {
  if (!session || session.length === 0) return fail("missing-session");
  if (session.some((step) => typeof step !== "object" || step === null)) return fail("unexpected-sequence");

  const names = session.map((step) => step.challengeName as string);
  let passwordSteps: number;
  if (names[0] === "SRP_A") {
    if (session[0]?.challengeResult !== true) return fail("password-failed");
    if (session.length === 1) return { kind: "challenge", challengeName: "PASSWORD_VERIFIER" };
    if (names[1] !== "PASSWORD_VERIFIER") return fail("unexpected-sequence");
    passwordSteps = 2;
  } else if (names[0] === "PASSWORD_VERIFIER") {
    passwordSteps = 1;
  } else {
    return fail("unexpected-sequence");
  }
  if (session[passwordSteps - 1]?.challengeResult !== true) return fail("password-failed");

  const codeSteps = session.slice(passwordSteps);
  for (const [index, step] of codeSteps.entries()) {
    if (step.challengeName !== CUSTOM_CHALLENGE) return fail("unexpected-sequence");
    // A correct answer must be the last step: anything after it is a replay.
    if (step.challengeResult === true && index !== codeSteps.length - 1) return fail("unexpected-sequence");
  }
  const last = codeSteps.at(-1);
  if (last?.challengeResult === true) return userNotFound ? fail("user-not-found") : { kind: "issue-tokens" };
  if (codeSteps.length >= MAX_CODE_ATTEMPTS) return fail("too-many-codes");
  return { kind: "challenge", challengeName: CUSTOM_CHALLENGE };
}

function fail(reason: FailReason): NextStep {
  return { kind: "fail", reason };
}
