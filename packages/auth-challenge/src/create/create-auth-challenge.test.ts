import { afterEach, describe, expect, it, vi } from "vitest";
import { CODE_TTL_MS, checkCode } from "../code/one-time-code.ts";
import { type CodeMessage, type CodeSender, renderCodeEmail } from "../senders/code-sender.ts";
import { captureLogs } from "../testing/capture-logs.ts";
import { createEvent, passwordDone, steps } from "../testing/events.ts";
import { createRecordingSender } from "../testing/recording-sender.ts";
import { createCreateAuthChallenge, maskEmail } from "./create-auth-challenge.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function setup(sender: CodeSender = createRecordingSender()) {
  const logs = captureLogs();
  const handler = createCreateAuthChallenge({ sender, now: () => NOW, logger: logs.logger });
  return { handler, logs };
}

describe("Create Auth Challenge", () => {
  it("sends a fresh 6-digit code on the first attempt and keeps only its hash and expiry", async () => {
    // Prepare
    const mailbox = createRecordingSender();
    const { handler } = setup(mailbox);
    // Act
    const event = await handler(createEvent(passwordDone()));
    // Assess
    const message = mailbox.latest("alice");
    expect(message).toMatchObject({ to: "alice@example.com", username: "alice", expiresAt: NOW + CODE_TTL_MS });
    expect(message?.code).toMatch(/^\d{6}$/);
    expect(message && renderCodeEmail(message).text).toContain(message?.code);
    expect(event.response.challengeMetadata).toBe("EMAIL_CODE");
    expect(event.response.publicChallengeParameters).toEqual({ DELIVERY: "EMAIL", DESTINATION: "a***@example.com" });
    expect(JSON.stringify(event.response)).not.toContain(message?.code);
    expect(checkCode(message?.code, event.response.privateChallengeParameters, NOW)).toBe("correct");
  });

  it("draws a new code for every attempt, so an earlier code does not answer a later challenge", async () => {
    // Prepare
    const mailbox = createRecordingSender();
    const { handler } = setup(mailbox);
    const first = await handler(createEvent(passwordDone()));
    const firstCode = mailbox.latest("alice")?.code;
    // Act
    const second = await handler(createEvent([...passwordDone(), ...steps("CUSTOM_CHALLENGE", false)]));
    const secondCode = mailbox.latest("alice")?.code;
    // Assess
    expect(mailbox.all()).toHaveLength(2);
    expect(second.response.privateChallengeParameters.CODE_SALT).not.toBe(first.response.privateChallengeParameters.CODE_SALT);
    expect(checkCode(secondCode, second.response.privateChallengeParameters, NOW)).toBe("correct");
    if (firstCode !== secondCode) expect(checkCode(firstCode, second.response.privateChallengeParameters, NOW)).toBe("incorrect");
  });

  it("sends nothing to an unknown user but answers in the same shape with an unanswerable challenge", async () => {
    // Prepare
    const mailbox = createRecordingSender();
    const { handler } = setup(mailbox);
    // Act
    const event = await handler(createEvent(passwordDone(), { userNotFound: true, userAttributes: {} }));
    // Assess
    expect(mailbox.all()).toHaveLength(0);
    expect(Object.keys(event.response.privateChallengeParameters).sort()).toEqual(["CODE_HASH", "CODE_SALT", "EXPIRES_AT"]);
    expect(event.response.publicChallengeParameters.DELIVERY).toBe("EMAIL");
    expect(event.response.challengeMetadata).toBe("EMAIL_CODE");
  });

  it("sends nothing when the user has no email address", async () => {
    // Prepare
    const mailbox = createRecordingSender();
    const { handler } = setup(mailbox);
    // Act
    const event = await handler(createEvent(passwordDone(), { userAttributes: { sub: "sub-alice" } }));
    // Assess
    expect(mailbox.all()).toHaveLength(0);
    expect(event.response.publicChallengeParameters.DESTINATION).toBe("your email address");
  });

  it("refuses to create any challenge other than CUSTOM_CHALLENGE", async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const result = handler(createEvent(passwordDone(), { challengeName: "PASSWORD_VERIFIER" }));
    // Assess
    await expect(result).rejects.toThrow(new Error("Unexpected challenge"));
  });

  it("fails the sign-in when the code cannot be delivered, logging only the error's class", async () => {
    // Prepare
    let sent: CodeMessage | undefined;
    const failing: CodeSender = {
      async send(message) {
        sent = message;
        throw new TypeError(`SES rejected ${message.code}`);
      },
    };
    const { handler, logs } = setup(failing);
    // Act
    const result = handler(createEvent(passwordDone()));
    // Assess
    await expect(result).rejects.toThrow(new Error("Code delivery failed"));
    expect(logs.text()).toContain('"errorName":"TypeError"');
    expect(logs.text()).not.toContain(sent?.code);
  });

  it("never writes the code to a log line", async () => {
    // Prepare
    const mailbox = createRecordingSender();
    const { handler, logs } = setup(mailbox);
    // Act
    const event = await handler(createEvent(passwordDone()));
    // Assess
    const code = mailbox.latest("alice")?.code ?? "missing";
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(logs.text()).not.toContain(code);
    expect(logs.text()).not.toContain(event.response.privateChallengeParameters.CODE_HASH);
  });

  it("masks the address it reports", () => {
    // Act & Assess
    expect(maskEmail("bob@example.com")).toBe("b***@example.com");
    expect(maskEmail("@example.com")).toBe("your email address");
  });
});
