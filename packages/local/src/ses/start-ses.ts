import { createServer } from "node:http";
import type { CodeMessage } from "@spa-bff/auth-challenge";
import { createLogger } from "@spa-bff/core";
import { BodyTooLargeError, close, listen, type RunningServer, readBody } from "../http/listen.ts";
import { parseCodeEmail } from "./code-email.ts";

export interface StartSesOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Where a code email goes: the local IdP's mailbox. */
  readonly deliver: (message: CodeMessage) => Promise<void> | void;
}

/** A running local SES: give its `url` to a function as `AWS_ENDPOINT_URL_SESV2`. */
export interface LocalSes extends RunningServer {
  /** Emails accepted so far. */
  sent(): number;
}

const sendEmailPath = "/v2/email/outbound-emails";

/**
 * The part of Amazon SES v2 the Create trigger uses, on loopback: `SendEmail`
 * (REST-JSON, `POST /v2/email/outbound-emails`) with a simple text email.
 * The trigger runs its deployed entry unchanged, its SESv2 client pointed
 * here by the SDK's `AWS_ENDPOINT_URL_SESV2`; a code email lands in the local
 * mailbox. Anything else gets SES's `BadRequestException` shape.
 *
 * @see https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html
 */
export async function startSes(options: StartSesOptions): Promise<LocalSes> {
  const logger = createLogger("local-ses");
  let sent = 0;
  const server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, {
        "content-type": "application/json",
        ...(status >= 400 ? { "x-amzn-ErrorType": "BadRequestException" } : {}),
      });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "POST" || new URL(req.url ?? "/", "http://ses.invalid").pathname !== sendEmailPath) {
      answer(404, { message: "Unsupported operation" });
      return;
    }
    readBody(req, 256 * 1024).then(
      async (body) => {
        const input = JSON.parse(body.toString("utf8")) as {
          Destination?: { ToAddresses?: string[] };
          Content?: { Simple?: { Body?: { Text?: { Data?: string } } } };
        };
        const to = input.Destination?.ToAddresses?.[0];
        const text = input.Content?.Simple?.Body?.Text?.Data;
        const message = to && text ? parseCodeEmail(to, text) : undefined;
        if (!message) return answer(400, { message: "The local SES delivers one-time code emails only" });
        await options.deliver(message);
        sent += 1;
        answer(200, { MessageId: `local-${sent}` });
      },
      (error: unknown) => {
        if (error instanceof BodyTooLargeError) return answer(400, { message: "Message too large" });
        logger.error("local SES request failed", { errorName: error instanceof Error ? error.name : typeof error });
        answer(500, { message: "Internal failure" });
      },
    );
  });
  let port = await listen(server, options.port, "127.0.0.1", "Local SES");
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    sent: () => sent,
    stop: () => close(server),
    start: async () => {
      if (!server.listening) port = await listen(server, port, "127.0.0.1", "Local SES");
    },
  };
}
