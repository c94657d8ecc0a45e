import { type CodeMessage, type CodeSender, renderCodeEmail } from "@spa-bff/auth-challenge";

/** A message as the local mailbox keeps it. */
export interface MailboxMessage extends CodeMessage {
  subject: string;
  text: string;
  /** Epoch milliseconds when it was "sent". */
  sentAt: number;
}

export interface MailboxCodeSender extends CodeSender {
  /** The newest message for a user name (case-insensitive), or `undefined`. */
  latest(username: string): MailboxMessage | undefined;
  /** Every message, oldest first (for a mailbox page on the local IdP). */
  all(): readonly MailboxMessage[];
  clear(): void;
}

export interface MailboxCodeSenderOptions {
  /**
   * Where to print "a code was sent" for the developer. The line carries the
   * code on purpose: it is the local mailbox, written straight to the
   * developer's terminal, never through the structured logger. Leave it out
   * in tests.
   */
  print?: (line: string) => void;
  /** Keep at most this many messages (oldest dropped first). Default 100. */
  capacity?: number;
  now?: () => number;
}

/**
 * The local platform's mailbox: codes are kept in memory so the developer
 * (or a browser test) can read them from a page on the local IdP or the
 * console. Only for `npm start` and tests, never for a deployed stage.
 *
 * @example
 * const mailbox = createMailboxCodeSender({ print: (line) => process.stdout.write(`${line}\n`) });
 * const create = createCreateAuthChallenge({ sender: mailbox });
 * mailbox.latest("alice")?.code;
 */
export function createMailboxCodeSender(options: MailboxCodeSenderOptions = {}): MailboxCodeSender {
  const capacity = options.capacity ?? 100;
  const now = options.now ?? Date.now;
  const messages: MailboxMessage[] = [];
  return {
    async send(message) {
      const { subject, text } = renderCodeEmail(message);
      messages.push({ ...message, subject, text, sentAt: now() });
      if (messages.length > capacity) messages.splice(0, messages.length - capacity);
      options.print?.(`[mailbox] sign-in code for ${message.username} <${message.to}>: ${message.code}`);
    },
    latest(username) {
      const wanted = username.toLowerCase();
      return messages.findLast((message) => message.username.toLowerCase() === wanted);
    },
    all() {
      return [...messages];
    },
    clear() {
      messages.length = 0;
    },
  };
}
