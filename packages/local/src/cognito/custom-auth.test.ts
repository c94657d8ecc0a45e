import { describe, expect, it } from "vitest";
import { type AuthFlow, createCustomAuth } from "./custom-auth.ts";
import { CognitoServiceError } from "./errors.ts";
import { createSrpServer } from "./srp-server.ts";
import type { InvokeTrigger, TriggerName } from "./triggers.ts";

const context = { region: "eu-west-1", userPoolId: "eu-west-1_Local1", clientId: "local-web", awsSdkVersion: "aws-sdk-js-3.0.0" };

/** Triggers that record every event and answer from `responses` (a function per trigger). */
function recordingTriggers(responses: Partial<Record<TriggerName, (event: { request: Record<string, unknown> }) => unknown>>) {
  const calls: { name: TriggerName; event: Record<string, unknown> }[] = [];
  const invokeTrigger = (async (name, event) => {
    calls.push({ name, event: JSON.parse(JSON.stringify(event)) });
    const answer = responses[name];
    if (!answer) throw new Error(`unexpected ${name}`);
    return { ...event, response: answer(event as never) };
  }) as InvokeTrigger;
  return { invokeTrigger, calls };
}

function newFlow(overrides: Partial<AuthFlow> = {}): AuthFlow {
  return {
    context,
    username: "alice",
    user: undefined,
    userAttributes: { sub: "sub-alice", email: "alice@example.com" },
    userNotFound: false,
    reportUserNotFound: true,
    srpA: undefined,
    session: [
      { challengeName: "SRP_A", challengeResult: true },
      { challengeName: "PASSWORD_VERIFIER", challengeResult: true },
    ],
    pending: undefined,
    ...overrides,
  };
}

async function refusal(promise: Promise<unknown>): Promise<{ type: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CognitoServiceError) return { type: error.type, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

const srpServerFor = () => createSrpServer({ userPoolId: context.userPoolId, userIdForSrp: "alice", password: "pw" });

describe("custom-auth orchestration", () => {
  it("sends Define and Create Cognito-shaped events, and the answer to Verify with Create's private parameters", async () => {
    // Prepare
    const { invokeTrigger, calls } = recordingTriggers({
      DefineAuthChallenge: (event) =>
        (event.request.session as unknown[]).length === 3
          ? { issueTokens: true, failAuthentication: false }
          : { challengeName: "CUSTOM_CHALLENGE", issueTokens: false, failAuthentication: false },
      CreateAuthChallenge: () => ({
        publicChallengeParameters: { DESTINATION: "a***@example.com" },
        privateChallengeParameters: { SECRET: "kept-server-side" },
        challengeMetadata: "EMAIL_CODE",
      }),
      VerifyAuthChallengeResponse: () => ({ answerCorrect: true }),
    });
    const auth = createCustomAuth({ invokeTrigger, srpServerFor });
    const flow = newFlow();
    // Act
    const challenge = await auth.advance(flow);
    const done = await auth.answerCustomChallenge(flow, "123456", { app: "web" });
    // Assess
    expect(challenge).toEqual({
      kind: "challenge",
      challengeName: "CUSTOM_CHALLENGE",
      parameters: { DESTINATION: "a***@example.com", USERNAME: "alice" },
    });
    expect(done).toEqual({ kind: "tokens" });
    expect(calls.map((call) => call.name)).toEqual([
      "DefineAuthChallenge",
      "CreateAuthChallenge",
      "VerifyAuthChallengeResponse",
      "DefineAuthChallenge",
    ]);
    expect(calls[0]?.event).toEqual({
      version: "1",
      region: "eu-west-1",
      userPoolId: "eu-west-1_Local1",
      userName: "alice",
      callerContext: { awsSdkVersion: "aws-sdk-js-3.0.0", clientId: "local-web" },
      triggerSource: "DefineAuthChallenge_Authentication",
      request: { userAttributes: flow.userAttributes, session: flow.session.slice(0, 2), userNotFound: false },
      response: {},
    });
    expect(calls[1]?.event).toMatchObject({
      triggerSource: "CreateAuthChallenge_Authentication",
      request: { challengeName: "CUSTOM_CHALLENGE" },
    });
    expect(calls[2]?.event).toMatchObject({
      triggerSource: "VerifyAuthChallengeResponse_Authentication",
      request: { privateChallengeParameters: { SECRET: "kept-server-side" }, challengeAnswer: "123456", clientMetadata: { app: "web" } },
    });
    expect(calls[3]?.event).toMatchObject({
      request: {
        session: [
          { challengeName: "SRP_A" },
          { challengeName: "PASSWORD_VERIFIER" },
          { challengeName: "CUSTOM_CHALLENGE", challengeResult: true, challengeMetadata: "EMAIL_CODE" },
        ],
      },
    });
  });

  it("answers Define's PASSWORD_VERIFIER with the SRP challenge, without calling Create", async () => {
    // Prepare
    const { invokeTrigger, calls } = recordingTriggers({ DefineAuthChallenge: () => ({ challengeName: "PASSWORD_VERIFIER" }) });
    const auth = createCustomAuth({ invokeTrigger, srpServerFor });
    const flow = newFlow({ srpA: "abc123", session: [{ challengeName: "SRP_A", challengeResult: true }] });
    // Act
    const step = await auth.advance(flow);
    // Assess
    expect(step).toMatchObject({
      kind: "challenge",
      challengeName: "PASSWORD_VERIFIER",
      parameters: { USER_ID_FOR_SRP: "alice", USERNAME: "alice" },
    });
    expect(Object.keys(step.kind === "challenge" ? step.parameters : {}).sort()).toEqual([
      "SALT",
      "SECRET_BLOCK",
      "SRP_B",
      "USERNAME",
      "USER_ID_FOR_SRP",
    ]);
    expect(calls.map((call) => call.name)).toEqual(["DefineAuthChallenge"]);
  });

  it("never issues tokens for a user that does not exist, whatever Define says", async () => {
    // Prepare
    const { invokeTrigger } = recordingTriggers({ DefineAuthChallenge: () => ({ issueTokens: true }) });
    const auth = createCustomAuth({ invokeTrigger, srpServerFor });
    // Act
    const result = await refusal(auth.advance(newFlow({ userNotFound: true })));
    // Assess
    expect(result).toEqual({ type: "NotAuthorizedException", message: "Incorrect username or password." });
  });

  it("turns a trigger's error into UserLambdaValidationException, as Cognito reports it", async () => {
    // Prepare
    const { invokeTrigger } = recordingTriggers({
      DefineAuthChallenge: () => ({ challengeName: "CUSTOM_CHALLENGE" }),
      CreateAuthChallenge: () => {
        throw new Error("Code delivery failed");
      },
    });
    const auth = createCustomAuth({ invokeTrigger, srpServerFor });
    // Act
    const result = await refusal(auth.advance(newFlow()));
    // Assess
    expect(result).toEqual({
      type: "UserLambdaValidationException",
      message: "CreateAuthChallenge failed with error Code delivery failed.",
    });
  });

  it.each([
    ["an unknown challenge", { challengeName: "SMS_MFA" }],
    ["a wrongly typed field", { issueTokens: "yes" }],
    ["nothing to do", {}],
  ])("refuses Define's answer with %s as InvalidLambdaResponseException", async (_case, response) => {
    // Prepare
    const { invokeTrigger } = recordingTriggers({ DefineAuthChallenge: () => response });
    const auth = createCustomAuth({ invokeTrigger, srpServerFor });
    // Act
    const result = await refusal(auth.advance(newFlow()));
    // Assess
    expect(result).toEqual({ type: "InvalidLambdaResponseException", message: "Unrecognizable lambda output" });
  });

  it("refuses Create's answer when a parameter is not a string", async () => {
    // Prepare
    const { invokeTrigger } = recordingTriggers({
      DefineAuthChallenge: () => ({ challengeName: "CUSTOM_CHALLENGE" }),
      CreateAuthChallenge: () => ({ publicChallengeParameters: { attempts: 3 }, privateChallengeParameters: {} }),
    });
    const auth = createCustomAuth({ invokeTrigger, srpServerFor });
    // Act
    const result = await refusal(auth.advance(newFlow()));
    // Assess
    expect(result.type).toBe("InvalidLambdaResponseException");
  });

  it("keeps its own state out of the triggers' reach", async () => {
    // Prepare
    const invokeTrigger = (async (_name, event) => {
      (event.request as { session: unknown[] }).session.push({ challengeName: "CUSTOM_CHALLENGE", challengeResult: true });
      return { ...event, response: { challengeName: "CUSTOM_CHALLENGE" } };
    }) as InvokeTrigger;
    const auth = createCustomAuth({ invokeTrigger, srpServerFor });
    const flow = newFlow();
    // Act
    const step = await auth.advance(flow);
    // Assess
    expect(step.kind).toBe("challenge");
    expect(flow.session).toHaveLength(2);
  });
});
