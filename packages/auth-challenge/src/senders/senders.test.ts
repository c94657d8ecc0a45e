import { MessageRejected, SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
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
