import { afterEach, describe, expect, it, vi } from "vitest";
import { CODE_TTL_MS, createCodeChallenge } from "../code/one-time-code.ts";
import { captureLogs } from "../testing/capture-logs.ts";
import { verifyEvent } from "../testing/events.ts";
import { createVerifyAuthChallenge } from "./verify-auth-challenge.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function setup(clock = { now: NOW }) {
  const logs = captureLogs();
  const handler = createVerifyAuthChallenge({ now: () => clock.now, logger: logs.logger });
  return { handler, logs, clock };
}

function otherCode(code: string): string {
  return code === "000000" ? "000001" : "000000";
}

describe("Verify Auth Challenge Response", () => {
  it("accepts the right code within five minutes", async () => {
    // Prepare
    const { handler } = setup();
    const challenge = createCodeChallenge(NOW);
    // Act
    const event = await handler(verifyEvent({ ...challenge.parameters }, challenge.code));
    // Assess
    expect(event.response.answerCorrect).toBe(true);
  });

  it("refuses a wrong code", async () => {
    // Prepare
    const { handler } = setup();
    const challenge = createCodeChallenge(NOW);
    // Act
    const event = await handler(verifyEvent({ ...challenge.parameters }, otherCode(challenge.code)));
    // Assess
    expect(event.response.answerCorrect).toBe(false);
  });

  it("refuses the right code once it has expired, by the injected clock", async () => {
    // Prepare
    const { handler, clock, logs } = setup();
    const challenge = createCodeChallenge(NOW);
    clock.now = NOW + CODE_TTL_MS + 1;
    // Act
    const event = await handler(verifyEvent({ ...challenge.parameters }, challenge.code));
    // Assess
    expect(event.response.answerCorrect).toBe(false);
    expect(logs.text()).toContain('"result":"expired"');
  });

  it("refuses a code replayed from an earlier challenge", async () => {
    // Prepare
    const { handler } = setup();
    const earlier = createCodeChallenge(NOW);
    let current = createCodeChallenge(NOW);
    while (current.code === earlier.code) current = createCodeChallenge(NOW);
    // Act
    const event = await handler(verifyEvent({ ...current.parameters }, earlier.code));
    // Assess
    expect(event.response.answerCorrect).toBe(false);
  });

  it("refuses any answer when the private parameters are missing", async () => {
    // Prepare
    const { handler, logs } = setup();
    // Act
    const event = await handler(verifyEvent({}, "123456"));
    // Assess
    expect(event.response.answerCorrect).toBe(false);
    expect(logs.text()).toContain('"result":"malformed"');
  });

  it("refuses an unknown user even with a matching answer", async () => {
    // Prepare
    const { handler } = setup();
    const challenge = createCodeChallenge(NOW);
    // Act
    const event = await handler(verifyEvent({ ...challenge.parameters }, challenge.code, { userNotFound: true }));
    // Assess
    expect(event.response.answerCorrect).toBe(false);
  });

  it("never writes the answer or the expected hash to a log line", async () => {
    // Prepare
    const { handler, logs } = setup();
    const challenge = createCodeChallenge(NOW);
    // Act
    await handler(verifyEvent({ ...challenge.parameters }, challenge.code));
    await handler(verifyEvent({ ...challenge.parameters }, otherCode(challenge.code)));
    // Assess
    expect(logs.lines.length).toBe(2);
    expect(logs.text()).not.toContain(challenge.code);
    expect(logs.text()).not.toContain(otherCode(challenge.code));
    expect(logs.text()).not.toContain(challenge.parameters.CODE_HASH);
  });
});
