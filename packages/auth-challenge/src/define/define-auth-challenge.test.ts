import { afterEach, describe, expect, it, vi } from "vitest";
import { captureLogs } from "../testing/capture-logs.ts";
import { defineEvent, passwordDone, steps } from "../testing/events.ts";
import { decideNextStep } from "./decide-next-step.ts";
import { createDefineAuthChallenge } from "./define-auth-challenge.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

async function define(session: ReturnType<typeof steps>, userNotFound?: boolean) {
  const logs = captureLogs();
  const handler = createDefineAuthChallenge({ logger: logs.logger });
  const event = await handler(defineEvent(session, userNotFound === undefined ? {} : { userNotFound }));
  return { response: event.response, logs };
}

describe("Define Auth Challenge", () => {
  it("asks for the SRP password verifier after SRP_A", async () => {
    // Act
    const { response } = await define(steps("SRP_A", true));
    // Assess
    expect(response).toEqual({ challengeName: "PASSWORD_VERIFIER", issueTokens: false, failAuthentication: false });
  });

  it("issues CUSTOM_CHALLENGE as the first code attempt after a correct password", async () => {
    // Act
    const { response } = await define(passwordDone());
    // Assess
    expect(response).toEqual({ challengeName: "CUSTOM_CHALLENGE", issueTokens: false, failAuthentication: false });
  });

  it("accepts the password verifier as the first step", async () => {
    // Act
    const { response } = await define(steps("PASSWORD_VERIFIER", true));
    // Assess
    expect(response.challengeName).toBe("CUSTOM_CHALLENGE");
    expect(response.failAuthentication).toBe(false);
  });

  it("issues tokens after a correct code", async () => {
    // Act
    const { response } = await define([...passwordDone(), ...steps("CUSTOM_CHALLENGE", true)]);
    // Assess
    expect(response.issueTokens).toBe(true);
    expect(response.failAuthentication).toBe(false);
    expect(response.challengeName).toBeUndefined();
  });

  it("issues tokens after a correct code on the third attempt", async () => {
    // Act
    const { response } = await define([
      ...passwordDone(),
      ...steps("CUSTOM_CHALLENGE", false, "CUSTOM_CHALLENGE", false, "CUSTOM_CHALLENGE", true),
    ]);
    // Assess
    expect(response.issueTokens).toBe(true);
  });

  it("asks again after one wrong code", async () => {
    // Act
    const { response } = await define([...passwordDone(), ...steps("CUSTOM_CHALLENGE", false)]);
    // Assess
    expect(response).toEqual({ challengeName: "CUSTOM_CHALLENGE", issueTokens: false, failAuthentication: false });
  });

  it("fails after the third wrong code", async () => {
    // Act
    const { response, logs } = await define([
      ...passwordDone(),
      ...steps("CUSTOM_CHALLENGE", false, "CUSTOM_CHALLENGE", false, "CUSTOM_CHALLENGE", false),
    ]);
    // Assess
    expect(response).toEqual({ issueTokens: false, failAuthentication: true });
    expect(logs.text()).toContain('"reason":"too-many-codes"');
  });

  it("fails when the session is missing or empty (CUSTOM_AUTH without the password)", async () => {
    // Act
    const empty = await define([]);
    const missing = decideNextStep(undefined);
    // Assess
    expect(empty.response).toEqual({ issueTokens: false, failAuthentication: true });
    expect(missing).toEqual({ kind: "fail", reason: "missing-session" });
  });

  it("fails when the password step failed", async () => {
    // Act
    const srp = await define(steps("SRP_A", false));
    const verifier = await define(steps("SRP_A", true, "PASSWORD_VERIFIER", false));
    // Assess
    expect(srp.response.failAuthentication).toBe(true);
    expect(verifier.response.failAuthentication).toBe(true);
    expect(decideNextStep(steps("SRP_A", true, "PASSWORD_VERIFIER", false))).toEqual({ kind: "fail", reason: "password-failed" });
  });

  it("fails on a session that starts with the code instead of the password", async () => {
    // Act
    const { response } = await define(steps("CUSTOM_CHALLENGE", true));
    // Assess
    expect(response).toEqual({ issueTokens: false, failAuthentication: true });
  });

  it.each([
    ["an unknown challenge name after the password", [...passwordDone(), ...steps("SMS_MFA", true)]],
    ["SRP_A followed by something other than the verifier", steps("SRP_A", true, "CUSTOM_CHALLENGE", true)],
    ["a first step Cognito never sends", steps("DEVICE_SRP_AUTH", true)],
    [
      "an answer after a correct answer (a replayed challenge)",
      [...passwordDone(), ...steps("CUSTOM_CHALLENGE", true, "CUSTOM_CHALLENGE", true)],
    ],
    ["a wrong answer after a correct one", [...passwordDone(), ...steps("CUSTOM_CHALLENGE", true, "CUSTOM_CHALLENGE", false)]],
  ])("fails closed on %s", async (_name, session) => {
    // Act
    const { response } = await define(session);
    // Assess
    expect(response).toEqual({ issueTokens: false, failAuthentication: true });
    expect(decideNextStep(session)).toEqual({ kind: "fail", reason: "unexpected-sequence" });
  });

  it("answers an unknown user exactly like a known one until tokens would be issued", async () => {
    // Act
    const srpKnown = await define(steps("SRP_A", true), false);
    const srpUnknown = await define(steps("SRP_A", true), true);
    const codeUnknown = await define(passwordDone(), true);
    const tokensUnknown = await define([...passwordDone(), ...steps("CUSTOM_CHALLENGE", true)], true);
    // Assess
    expect(srpUnknown.response).toEqual(srpKnown.response);
    expect(codeUnknown.response.challengeName).toBe("CUSTOM_CHALLENGE");
    expect(tokensUnknown.response).toEqual({ issueTokens: false, failAuthentication: true });
    expect(tokensUnknown.logs.text()).not.toContain("user-not-found");
    expect(tokensUnknown.logs.text()).not.toMatch(/userNotFound/i);
  });
});
