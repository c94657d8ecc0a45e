import { MessageRejected, SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createMailboxCodeSender } from "./mailbox-code-sender.ts";
import { createSesCodeSender, SesSendError } from "./ses-code-sender.ts";

const ses = mockClient(SESv2Client);

afterEach(() => {
  ses.reset();
});

const message = { to: "alice@example.com", username: "alice", code: "042917", expiresAt: Date.UTC(2026, 0, 1, 12, 5, 0) };

describe("SES code sender", () => {
  it("sends one SES v2 SendEmail from the verified identity with the code in the body only", async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: "m-1" });
    const sender = createSesCodeSender({
      from: "no-reply@example.com",
      client: new SESv2Client({ region: "eu-west-1" }),
      configurationSetName: "auth",
    });
    // Act
    await sender.send(message);
    // Assess
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input).toMatchObject({
      FromEmailAddress: "no-reply@example.com",
      Destination: { ToAddresses: ["alice@example.com"] },
      ConfigurationSetName: "auth",
      Content: { Simple: { Subject: { Data: "Your sign-in code" } } },
    });
    expect(input?.Content?.Simple?.Body?.Text?.Data).toContain("Your sign-in code is 042917.");
    expect(input?.Content?.Simple?.Subject?.Data).not.toContain("042917");
  });

  it("leaves out the configuration set when the stage has none", async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: "m-2" });
    const sender = createSesCodeSender({ from: "no-reply@example.com", client: new SESv2Client({ region: "eu-west-1" }) });
    // Act
    await sender.send(message);
    // Assess
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input).not.toHaveProperty("ConfigurationSetName");
  });

  it("throws SesSendError naming SES's error, never the address or the code", async () => {
    // Prepare
    ses.on(SendEmailCommand).rejects(new MessageRejected({ message: "Email address is not verified: alice@example.com", $metadata: {} }));
    const sender = createSesCodeSender({ from: "no-reply@example.com", client: new SESv2Client({ region: "eu-west-1" }) });
    // Act
    const result = sender.send(message);
    // Assess
    await expect(result).rejects.toThrow(SesSendError);
    await expect(result).rejects.toThrow(/^SES refused the email: MessageRejected$/);
  });
});

describe("local mailbox sender", () => {
  it("keeps the latest message per user, case-insensitively, and prints a line for the developer", async () => {
    // Prepare
    const printed: string[] = [];
    const mailbox = createMailboxCodeSender({ print: (line) => printed.push(line), now: () => 7 });
    // Act
    await mailbox.send(message);
    await mailbox.send({ ...message, to: "bob@example.com", username: "bob", code: "111111" });
    await mailbox.send({ ...message, code: "222222" });
    // Assess
    expect(mailbox.latest("ALICE")).toMatchObject({ code: "222222", sentAt: 7, subject: "Your sign-in code" });
    expect(mailbox.latest("bob")?.code).toBe("111111");
    expect(mailbox.latest("carol")).toBeUndefined();
    expect(printed).toEqual([
      "[mailbox] sign-in code for alice <alice@example.com>: 042917",
      "[mailbox] sign-in code for bob <bob@example.com>: 111111",
      "[mailbox] sign-in code for alice <alice@example.com>: 222222",
    ]);
  });

  it("drops the oldest messages beyond its capacity", async () => {
    // Prepare
    const mailbox = createMailboxCodeSender({ capacity: 2 });
    // Act
    for (const code of ["000001", "000002", "000003"]) await mailbox.send({ ...message, code });
    // Assess
    expect(mailbox.all().map((m) => m.code)).toEqual(["000002", "000003"]);
    mailbox.clear();
    expect(mailbox.all()).toEqual([]);
  });
});
