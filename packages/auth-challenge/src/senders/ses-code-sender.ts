import { type SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import type { CodeSender } from "./code-sender.ts";
import { renderCodeEmail } from "./code-sender.ts";

export interface SesCodeSenderOptions {
  /** The verified SES identity the email is sent from (env `CODE_SENDER_EMAIL`). */
  from: string;
  /** Built once at cold start; its credentials come from the Lambda role. */
  client: SESv2Client;
  /** An SES configuration set (bounce and complaint tracking), if the stage has one. */
  configurationSetName?: string;
}

/** Raised when SES refuses the email or cannot be reached; the message names SES's error only, never the recipient or the code. */
export class SesSendError extends Error {
  override readonly name = "SesSendError";
}

/**
 * Delivers codes by email through Amazon SES v2 `SendEmail`.
 *
 * @example
 * const sender = createSesCodeSender({ from: "no-reply@example.com", client: new SESv2Client({ region }) });
 * @see https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html
 */
export function createSesCodeSender(options: SesCodeSenderOptions): CodeSender {
  return {
    async send(message) {
      const { subject, text } = renderCodeEmail(message);
      try {
        await options.client.send(
          new SendEmailCommand({
            FromEmailAddress: options.from,
            Destination: { ToAddresses: [message.to] },
            Content: { Simple: { Subject: { Data: subject, Charset: "UTF-8" }, Body: { Text: { Data: text, Charset: "UTF-8" } } } },
            ...(options.configurationSetName ? { ConfigurationSetName: options.configurationSetName } : {}),
          }),
        );
      } catch (error) {
        // The SDK's message may quote the address; only the error's name is safe to pass on.
        const name = error instanceof Error ? error.name : "UnknownError";
        throw new SesSendError(`SES refused the email: ${name}`, { cause: error });
      }
    },
  };
}
