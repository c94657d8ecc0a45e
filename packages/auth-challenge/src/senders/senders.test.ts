import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createMailboxCodeSender } from "./mailbox-code-sender.ts";
import { createSesCodeSender } from "./ses-code-sender.ts";
import { createSesV2HttpTransport, SesSendError } from "./ses-v2-transport.ts";

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage["headers"];
  body: string;
}

let server: Server | undefined;

afterEach(async () => {
  server?.close();
  server = undefined;
});

/** A stand-in for the SES endpoint on 127.0.0.1: records the request and answers as told. */
async function startSes(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ endpoint: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(body);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const message = { to: "alice@example.com", username: "alice", code: "042917", expiresAt: Date.UTC(2026, 0, 1, 12, 5, 0) };

describe("SES code sender", () => {
  it("posts a SigV4-signed SES v2 SendEmail with the code in the body only", async () => {
    // Prepare
    const ses = await startSes(200, JSON.stringify({ MessageId: "m-1" }));
    const transport = createSesV2HttpTransport({ region: "eu-west-1", endpoint: ses.endpoint, credentials });
    const sender = createSesCodeSender({ from: "no-reply@example.com", transport, configurationSetName: "auth" });
    // Act
    await sender.send(message);
    // Assess
    expect(ses.received).toHaveLength(1);
    const [request] = ses.received;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/v2/email/outbound-emails");
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/ses\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(request?.headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
    const body = JSON.parse(request?.body ?? "{}");
    expect(body).toMatchObject({
      FromEmailAddress: "no-reply@example.com",
      Destination: { ToAddresses: ["alice@example.com"] },
      ConfigurationSetName: "auth",
      Content: { Simple: { Subject: { Data: "Your sign-in code" } } },
    });
    expect(body.Content.Simple.Body.Text.Data).toContain("Your sign-in code is 042917.");
    expect(body.Content.Simple.Subject.Data).not.toContain("042917");
    expect(JSON.stringify(request?.headers)).not.toContain("042917");
  });

  it("throws SesSendError naming SES's status and error type, not the message", async () => {
    // Prepare
    const ses = await startSes(400, JSON.stringify({ message: "Email address is not verified." }), {
      "x-amzn-errortype": "MessageRejected:http://internal",
    });
    const transport = createSesV2HttpTransport({ region: "eu-west-1", endpoint: ses.endpoint, credentials });
    const sender = createSesCodeSender({ from: "no-reply@example.com", transport });
    // Act
    const result = sender.send(message);
    // Assess
    await expect(result).rejects.toThrow(SesSendError);
    await expect(result).rejects.toThrow("SES answered 400 MessageRejected");
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
