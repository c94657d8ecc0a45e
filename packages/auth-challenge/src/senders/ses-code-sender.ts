import type { CodeSender } from "./code-sender.ts";
import { renderCodeEmail } from "./code-sender.ts";
import type { SesEmailTransport } from "./ses-v2-transport.ts";

export interface SesCodeSenderOptions {
  /** The verified SES identity the email is sent from (env `CODE_SENDER_EMAIL`). */
  from: string;
  transport: SesEmailTransport;
  /** An SES configuration set (bounce and complaint tracking), if the stage has one. */
  configurationSetName?: string;
}

/**
 * Delivers codes by email through Amazon SES v2 `SendEmail`.
 *
 * @example
 * const sender = createSesCodeSender({ from: "no-reply@example.com", transport: createSesV2HttpTransport({ region }) });
 */
export function createSesCodeSender(options: SesCodeSenderOptions): CodeSender {
  return {
    async send(message) {
      const { subject, text } = renderCodeEmail(message);
      await options.transport.sendEmail({
        FromEmailAddress: options.from,
        Destination: { ToAddresses: [message.to] },
        Content: { Simple: { Subject: { Data: subject, Charset: "UTF-8" }, Body: { Text: { Data: text, Charset: "UTF-8" } } } },
        ...(options.configurationSetName ? { ConfigurationSetName: options.configurationSetName } : {}),
      });
    },
  };
}
