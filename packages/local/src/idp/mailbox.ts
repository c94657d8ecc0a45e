import { createMailboxCodeSender, type MailboxCodeSender, type MailboxMessage } from "./mailbox-code-sender.ts";

/**
 * The local IdP's mailbox: where the Create trigger's codes land instead of
 * an inbox. Silent by default (tests); `npm start` subscribes to print one
 * line per code for the developer.
 */
export interface LocalMailbox extends MailboxCodeSender {
  /**
   * Calls `listener` with a one-line notice (it carries the code) for every
   * message from now on; returns the unsubscribe function. For the local
   * developer's terminal only: never route it into the structured logger.
   */
  onMessage(listener: (line: string) => void): () => void;
  /** The newest message of each user, newest first (the `/dev/mailbox` page). */
  latestPerUser(): MailboxMessage[];
}

export function createLocalMailbox(now: () => number = Date.now): LocalMailbox {
  const listeners = new Set<(line: string) => void>();
  const sender = createMailboxCodeSender({
    now,
    print: (line) => {
      for (const listener of listeners) listener(line);
    },
  });
  return {
    ...sender,
    onMessage(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    latestPerUser() {
      const byUser = new Map<string, MailboxMessage>();
      for (const message of sender.all()) byUser.set(message.username.toLowerCase(), message);
      return [...byUser.values()].sort((a, b) => b.sentAt - a.sentAt);
    },
  };
}
