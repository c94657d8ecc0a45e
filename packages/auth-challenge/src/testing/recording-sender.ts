import type { CodeMessage, CodeSender } from "../senders/code-sender.ts";

/** Test support: a code sender that keeps what it was asked to send. */
export interface RecordingSender extends CodeSender {
  /** The newest message for a user name, or `undefined`. */
  latest(username: string): CodeMessage | undefined;
  all(): readonly CodeMessage[];
}

export function createRecordingSender(): RecordingSender {
  const sent: CodeMessage[] = [];
  return {
    async send(message) {
      sent.push({ ...message });
    },
    latest: (username) => sent.findLast((message) => message.username === username),
    all: () => [...sent],
  };
}
