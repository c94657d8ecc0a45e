import { randomBytes } from "node:crypto";
import type { CreateAuthChallengeTriggerEvent, DefineAuthChallengeTriggerEvent, VerifyAuthChallengeResponseTriggerEvent } from "aws-lambda";
import type { CreateAuthChallengeHandler } from "../create/create-auth-challenge.ts";
import type { ChallengeStep } from "../define/decide-next-step.ts";
import type { DefineAuthChallengeHandler } from "../define/define-auth-challenge.ts";
import type { VerifyAuthChallengeHandler } from "../verify/verify-auth-challenge.ts";

type StringMap = Record<string, string>;

/** Where a local custom-auth flow stands after a step. */
export type LocalCustomAuthResult =
  | { status: "challenge"; transaction: string; publicParameters: StringMap; retry: boolean }
  | { status: "success" }
  | { status: "failed" };

export interface LocalCustomAuth {
  /**
   * After the local IdP has checked the password itself (standing in for
   * Cognito's SRP steps): runs Define, and Create when Define asks for the code.
   */
  begin(input: { username: string; userAttributes: StringMap; passwordVerified: boolean }): Promise<LocalCustomAuthResult>;
  /** Runs Verify on the answer, then Define (and Create again after a wrong code). Each transaction id works once. */
  answer(transaction: string, answer: string): Promise<LocalCustomAuthResult>;
}

export interface LocalCustomAuthOptions {
  define: DefineAuthChallengeHandler;
  create: CreateAuthChallengeHandler;
  verify: VerifyAuthChallengeHandler;
  userPoolId?: string;
  clientId?: string;
  /** Epoch milliseconds. */
  now?: () => number;
  /** How long one step may take, like Cognito's session (3 minutes). */
  stepTtlMs?: number;
}

interface Flow {
  username: string;
  userAttributes: StringMap;
  session: ChallengeStep[];
  privateParameters: StringMap;
  expiresAt: number;
}

/**
 * Cognito's custom-auth orchestration for the local platform: it feeds the
 * same Define/Create/Verify handlers as the user pool would, with
 * Cognito-shaped events, so the second factor is real in `npm start`. State
 * stays in memory and the private challenge parameters never leave it; the
 * caller only holds an opaque, single-use transaction id.
 *
 * @example
 * const flow = createLocalCustomAuth({ define: createDefineAuthChallenge(), create: createCreateAuthChallenge({ sender: mailbox }), verify: createVerifyAuthChallenge() });
 * const first = await flow.begin({ username: "alice", userAttributes: { email: "alice@example.com" }, passwordVerified: true });
 * if (first.status === "challenge") await flow.answer(first.transaction, mailbox.latest("alice")?.code ?? "");
 */
export function createLocalCustomAuth(options: LocalCustomAuthOptions): LocalCustomAuth {
  const now = options.now ?? Date.now;
  const stepTtlMs = options.stepTtlMs ?? 3 * 60 * 1000;
  const flows = new Map<string, Flow>();
  const base = {
    version: "1",
    region: "local",
    userPoolId: options.userPoolId ?? "local_LocalPool",
    callerContext: { awsSdkVersion: "local", clientId: options.clientId ?? "local-web" },
  };

  async function next(flow: Flow, retry: boolean): Promise<LocalCustomAuthResult> {
    const defined = await options.define({
      ...base,
      userName: flow.username,
      triggerSource: "DefineAuthChallenge_Authentication",
      request: { userAttributes: flow.userAttributes, session: flow.session },
      response: { challengeName: "", issueTokens: false, failAuthentication: false },
    } satisfies DefineAuthChallengeTriggerEvent);
    if (defined.response.failAuthentication || (!defined.response.issueTokens && defined.response.challengeName !== "CUSTOM_CHALLENGE")) {
      return { status: "failed" };
    }
    if (defined.response.issueTokens) return { status: "success" };
    const created = await options.create({
      ...base,
      userName: flow.username,
      triggerSource: "CreateAuthChallenge_Authentication",
      request: { userAttributes: flow.userAttributes, challengeName: "CUSTOM_CHALLENGE", session: flow.session },
      response: { publicChallengeParameters: {}, privateChallengeParameters: {}, challengeMetadata: "" },
    } satisfies CreateAuthChallengeTriggerEvent);
    flow.privateParameters = created.response.privateChallengeParameters;
    flow.expiresAt = now() + stepTtlMs;
    const transaction = randomBytes(32).toString("base64url");
    flows.set(transaction, flow);
    return { status: "challenge", transaction, publicParameters: created.response.publicChallengeParameters, retry };
  }

  function sweep(): void {
    const current = now();
    for (const [id, flow] of flows) if (flow.expiresAt <= current) flows.delete(id);
  }

  return {
    async begin(input) {
      sweep();
      const flow: Flow = {
        username: input.username,
        userAttributes: input.userAttributes,
        session: [
          { challengeName: "SRP_A", challengeResult: true },
          { challengeName: "PASSWORD_VERIFIER", challengeResult: input.passwordVerified },
        ],
        privateParameters: {},
        expiresAt: 0,
      };
      return next(flow, false);
    },

    async answer(transaction, answer) {
      sweep();
      const flow = flows.get(transaction);
      flows.delete(transaction);
      if (!flow) return { status: "failed" };
      const verified = await options.verify({
        ...base,
        userName: flow.username,
        triggerSource: "VerifyAuthChallengeResponse_Authentication",
        request: { userAttributes: flow.userAttributes, privateChallengeParameters: flow.privateParameters, challengeAnswer: answer },
        response: { answerCorrect: false },
      } satisfies VerifyAuthChallengeResponseTriggerEvent);
      flow.session = [...flow.session, { challengeName: "CUSTOM_CHALLENGE", challengeResult: verified.response.answerCorrect === true }];
      return next(flow, verified.response.answerCorrect !== true);
    },
  };
}
