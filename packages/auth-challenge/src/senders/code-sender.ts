/** One code to deliver. `code` is the secret: a sender puts it in the message and nowhere else. */
export interface CodeMessage {
  /** The recipient's address (the user's `email` attribute). */
  to: string;
  /** The Cognito user name, for the greeting and for the local mailbox. */
  username: string;
  code: string;
  /** Epoch milliseconds after which the code is refused. */
  expiresAt: number;
}

/** Delivers a one-time code: Amazon SES in AWS, an in-memory mailbox locally. */
export interface CodeSender {
  send(message: CodeMessage): Promise<void>;
}

/** The text of the email, shared by every sender so local and AWS read the same. */
export function renderCodeEmail(message: CodeMessage): { subject: string; text: string } {
  const expires = new Date(message.expiresAt)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
  return {
    subject: "Your sign-in code",
    text: [
      `Hello ${message.username},`,
      "",
      `Your sign-in code is ${message.code}. It expires at ${expires}.`,
      "",
      "If you did not try to sign in, change your password: someone knows it.",
    ].join("\n"),
  };
}
