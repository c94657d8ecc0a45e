import { SESv2Client } from "@aws-sdk/client-sesv2";
import { type CodeMessage, createSesCodeSender, renderCodeEmail } from "@spa-bff/auth-challenge";
import { afterEach, describe, expect, it } from "vitest";
import { parseCodeEmail } from "./code-email.ts";
import { type LocalSes, startSes } from "./start-ses.ts";

let ses: LocalSes | undefined;
afterEach(async () => {
  await ses?.stop();
  ses = undefined;
});

const message: CodeMessage = { to: "carol@example.com", username: "carol", code: "042917", expiresAt: Date.UTC(2026, 11, 3, 10, 5, 0) };

describe("local SES", () => {
  it("reads a code email back into the message it was rendered from", () => {
    expect(parseCodeEmail(message.to, renderCodeEmail(message).text)).toEqual(message);
    expect(parseCodeEmail("x@example.com", "Hello,\nnothing here")).toBeUndefined();
  });

  it("delivers what the Create trigger's real SES sender sends, through the SDK pointed at it", async () => {
    // Prepare
    const delivered: CodeMessage[] = [];
    ses = await startSes({ port: 0, deliver: (received) => void delivered.push(received) });
    const sender = createSesCodeSender({
      from: "no-reply@spa-bff.local",
      client: new SESv2Client({ region: "us-east-1", endpoint: ses.url, credentials: { accessKeyId: "local", secretAccessKey: "local" } }),
    });
    // Act
    await sender.send(message);
    // Assess
    expect(delivered).toEqual([message]);
    expect(ses.sent()).toBe(1);
  });

  it("refuses an email that is not a code email, with SES's error shape", async () => {
    // Prepare
    ses = await startSes({ port: 0, deliver: () => undefined });
    // Act
    const response = await fetch(`${ses.url}/v2/email/outbound-emails`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ Destination: { ToAddresses: ["a@example.com"] }, Content: { Simple: { Body: { Text: { Data: "hi" } } } } }),
    });
    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get("x-amzn-errortype")).toBe("BadRequestException");
    expect(ses.sent()).toBe(0);
  });
});
