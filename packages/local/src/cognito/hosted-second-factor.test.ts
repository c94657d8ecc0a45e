import { CODE_TTL_MS } from "@spa-bff/auth-challenge";
import { createLogger } from "@spa-bff/core";
import { describe, expect, it } from "vitest";
import { createMailboxCodeSender } from "../idp/mailbox-code-sender.ts";
import { createHostedSecondFactor } from "./hosted-second-factor.ts";
import { createAuthChallengeTriggers } from "./in-process-triggers.ts";

function setup() {
  const clock = { now: Date.UTC(2026, 0, 1) };
  const now = () => clock.now;
  const mailbox = createMailboxCodeSender({ now });
  const silent = createLogger("hosted-second-factor-test");
  silent.setLogLevel("SILENT");
  const triggers = createAuthChallengeTriggers({ sender: mailbox, logger: silent, now });
  const flow = createHostedSecondFactor({
    invokeTrigger: triggers.invokeTrigger,
    context: { region: "eu-west-1", userPoolId: "eu-west-1_Local1", clientId: "local-web", awsSdkVersion: "aws-sdk-unknown-unknown" },
    now,
  });
  return { flow, mailbox, clock };
}

const alice = { username: "alice", userAttributes: { sub: "sub-alice", email: "alice@example.com" } };

describe("the hosted page's second factor (Cognito's orchestration over the real triggers)", () => {
  it("signs in with a correct password and the mailed code", async () => {
    // Prepare
    const { flow, mailbox } = setup();
    // Act
    const first = await flow.begin({ ...alice, passwordVerified: true });
    if (first.status !== "challenge") throw new Error("expected a challenge");
    const done = await flow.answer(first.transaction, mailbox.latest("alice")?.code ?? "");
    // Assess
    expect(first.publicParameters).toEqual({ DELIVERY: "EMAIL", DESTINATION: "a***@example.com" });
    expect(first.retry).toBe(false);
    expect(done).toEqual({ status: "success" });
  });

  it("fails at once after a wrong password, sending no code", async () => {
    // Prepare
    const { flow, mailbox } = setup();
    // Act
    const result = await flow.begin({ ...alice, passwordVerified: false });
    // Assess
    expect(result).toEqual({ status: "failed" });
    expect(mailbox.all()).toHaveLength(0);
  });

  it("sends a new code after a wrong one and fails after the third wrong code", async () => {
    // Prepare
    const { flow, mailbox } = setup();
    let step = await flow.begin({ ...alice, passwordVerified: true });
    // Act
    const seen: string[] = [];
    for (let i = 0; i < 2; i++) {
      if (step.status !== "challenge") throw new Error("expected a challenge");
      step = await flow.answer(step.transaction, "not-a-code");
      seen.push(step.status === "challenge" && step.retry ? "retry" : step.status);
    }
    if (step.status !== "challenge") throw new Error("expected a challenge");
    const last = await flow.answer(step.transaction, "not-a-code");
    // Assess
    expect(seen).toEqual(["retry", "retry"]);
    expect(last).toEqual({ status: "failed" });
    expect(mailbox.all()).toHaveLength(3);
  });

  it("refuses a reused transaction id and one whose step has expired", async () => {
    // Prepare
    const { flow, mailbox, clock } = setup();
    const first = await flow.begin({ ...alice, passwordVerified: true });
    if (first.status !== "challenge") throw new Error("expected a challenge");
    const code = mailbox.latest("alice")?.code ?? "";
    const wrong = await flow.answer(first.transaction, code === "000000" ? "000001" : "000000");
    // Act
    const replay = await flow.answer(first.transaction, code);
    if (wrong.status !== "challenge") throw new Error("expected a challenge");
    clock.now += CODE_TTL_MS + 1;
    const expired = await flow.answer(wrong.transaction, mailbox.latest("alice")?.code ?? "");
    // Assess
    expect(replay).toEqual({ status: "failed" });
    expect(expired).toEqual({ status: "failed" });
  });

  it("fails the step when a trigger throws, as Cognito fails the sign-in", async () => {
    // Prepare
    const clock = { now: Date.UTC(2026, 0, 1) };
    const flow = createHostedSecondFactor({
      invokeTrigger: async () => {
        throw new Error("boom");
      },
      context: { region: "eu-west-1", userPoolId: "eu-west-1_Local1", clientId: "local-web", awsSdkVersion: "aws-sdk-unknown-unknown" },
      now: () => clock.now,
    });
    // Act
    const result = await flow.begin({ ...alice, passwordVerified: true });
    // Assess
    expect(result).toEqual({ status: "failed" });
  });
});
