import type {
  CreateAuthChallengeTriggerEvent,
  DefineAuthChallengeTriggerEvent,
  PreTokenGenerationV2TriggerEvent,
  VerifyAuthChallengeResponseTriggerEvent,
} from "aws-lambda";
import type { ChallengeStep } from "../define/decide-next-step.ts";

const base = {
  version: "1",
  region: "eu-west-1",
  userPoolId: "eu-west-1_Example",
  userName: "alice",
  callerContext: { awsSdkVersion: "aws-sdk-js-3", clientId: "web-client" },
};

/** Steps in Cognito's session shape, e.g. `steps("SRP_A", true, "PASSWORD_VERIFIER", true)`. */
export function steps(...pairs: (string | boolean)[]): ChallengeStep[] {
  const result: ChallengeStep[] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    result.push({ challengeName: pairs[i] as "CUSTOM_CHALLENGE", challengeResult: pairs[i + 1] as boolean });
  }
  return result;
}

export const passwordDone = () => steps("SRP_A", true, "PASSWORD_VERIFIER", true);

export function defineEvent(
  session: ChallengeStep[],
  extra: Partial<DefineAuthChallengeTriggerEvent["request"]> = {},
): DefineAuthChallengeTriggerEvent {
  return {
    ...base,
    triggerSource: "DefineAuthChallenge_Authentication",
    request: { userAttributes: { sub: "sub-alice", email: "alice@example.com" }, session, ...extra },
    response: { challengeName: "", issueTokens: false, failAuthentication: false },
  };
}

export function createEvent(
  session: ChallengeStep[],
  extra: Partial<CreateAuthChallengeTriggerEvent["request"]> = {},
): CreateAuthChallengeTriggerEvent {
  return {
    ...base,
    triggerSource: "CreateAuthChallenge_Authentication",
    request: { userAttributes: { sub: "sub-alice", email: "alice@example.com" }, challengeName: "CUSTOM_CHALLENGE", session, ...extra },
    response: { publicChallengeParameters: {}, privateChallengeParameters: {}, challengeMetadata: "" },
  };
}

export function verifyEvent(
  privateChallengeParameters: Record<string, string>,
  challengeAnswer: string,
  extra: Partial<VerifyAuthChallengeResponseTriggerEvent["request"]> = {},
): VerifyAuthChallengeResponseTriggerEvent {
  return {
    ...base,
    triggerSource: "VerifyAuthChallengeResponse_Authentication",
    request: { userAttributes: { sub: "sub-alice", email: "alice@example.com" }, privateChallengeParameters, challengeAnswer, ...extra },
    response: { answerCorrect: false },
  };
}

/** A version 2 Pre Token Generation event as Cognito sends it for an API sign-in of `web-client`. */
export function preTokenEvent(overrides: Partial<PreTokenGenerationV2TriggerEvent> = {}): PreTokenGenerationV2TriggerEvent {
  return {
    ...base,
    version: "2",
    triggerSource: "TokenGeneration_Authentication",
    request: {
      userAttributes: { sub: "sub-alice", email: "alice@example.com" },
      groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [] },
      scopes: ["aws.cognito.signin.user.admin"],
    },
    response: { claimsAndScopeOverrideDetails: {} },
    ...overrides,
  } as PreTokenGenerationV2TriggerEvent;
}
