import { createAuthSessionStore } from "./auth-sessions.ts";
import { type AuthFlow, createCustomAuth } from "./custom-auth.ts";
import { CognitoServiceError } from "./errors.ts";
import type { InvokeTrigger, TriggerContext } from "./triggers.ts";

type StringMap = Record<string, string>;

/** Where a hosted-page second factor stands after a step. */
export type LocalCustomAuthResult =
  | { status: "challenge"; transaction: string; publicParameters: StringMap; retry: boolean }
  | { status: "success" }
  | { status: "failed" };

/** The code step of the local IdP's own login page, over the pool's custom-auth triggers. */
export interface LocalCustomAuth {
  /**
   * After the IdP has checked the password itself (standing in for
   * Cognito's SRP steps): runs Define, and Create when Define asks for the code.
   */
  begin(input: { username: string; userAttributes: StringMap; passwordVerified: boolean }): Promise<LocalCustomAuthResult>;
  /** Runs Verify on the answer, then Define (and Create again after a wrong code). Each transaction id works once. */
  answer(transaction: string, answer: string): Promise<LocalCustomAuthResult>;
}

export interface HostedSecondFactorOptions {
  readonly invokeTrigger: InvokeTrigger;
  /** `callerContext` and pool fields of the trigger events. */
  readonly context: TriggerContext;
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** How long one step may take, like Cognito's session (3 minutes). */
  readonly stepTtlMs?: number;
}

/**
 * The second factor of the local IdP's hosted-style login page, driven by
 * the same orchestration as the local Cognito API (Define → Create → Verify
 * → Define), starting after the password as Cognito would after SRP. Kept
 * for the page's current users; the branded sign-in goes through the API.
 * Failures (a trigger error included) end the step as `failed`.
 */
export function createHostedSecondFactor(options: HostedSecondFactorOptions): LocalCustomAuth {
  const stepTtlMs = options.stepTtlMs ?? 3 * 60 * 1000;
  const customAuth = createCustomAuth({
    invokeTrigger: options.invokeTrigger,
    srpServerFor: () => {
      throw new CognitoServiceError("InvalidLambdaResponseException", "The hosted page has no SRP step");
    },
  });
  const transactions = createAuthSessionStore<AuthFlow>({ now: options.now, bytes: 32 });

  async function run(flow: AuthFlow, step: () => ReturnType<typeof customAuth.advance>): Promise<LocalCustomAuthResult> {
    let result: Awaited<ReturnType<typeof customAuth.advance>>;
    try {
      result = await step();
    } catch (error) {
      if (error instanceof CognitoServiceError) return { status: "failed" };
      throw error;
    }
    if (result.kind === "tokens") return { status: "success" };
    if (result.challengeName !== "CUSTOM_CHALLENGE") return { status: "failed" };
    const { USERNAME: _username, ...publicParameters } = result.parameters;
    const retry = flow.session.at(-1)?.challengeName === "CUSTOM_CHALLENGE" && flow.session.at(-1)?.challengeResult === false;
    return { status: "challenge", transaction: transactions.issue(flow, stepTtlMs), publicParameters, retry };
  }

  return {
    begin(input) {
      const flow: AuthFlow = {
        context: options.context,
        username: input.username,
        user: undefined,
        userAttributes: input.userAttributes,
        userNotFound: false,
        reportUserNotFound: false,
        srpA: undefined,
        session: [
          { challengeName: "SRP_A", challengeResult: true },
          { challengeName: "PASSWORD_VERIFIER", challengeResult: input.passwordVerified },
        ],
        pending: undefined,
      };
      return run(flow, () => customAuth.advance(flow));
    },
    async answer(transaction, answer) {
      const taken = transactions.take(transaction);
      if (!taken.ok) return { status: "failed" };
      const flow = taken.state;
      return run(flow, () => customAuth.answerCustomChallenge(flow, answer));
    },
  };
}
