import type { CodeMessage } from "@spa-bff/auth-challenge";

/**
 * Reads a one-time code email back into the message it was rendered from
 * (auth-challenge's `renderCodeEmail`): what the local mailbox shows of an
 * email the Create trigger sent through the local SES. Any other email is
 * `undefined`.
 */
export function parseCodeEmail(to: string, text: string): CodeMessage | undefined {
  const username = /^Hello (.+),$/m.exec(text)?.[1];
  const found = /Your sign-in code is (\d{6})\. It expires at (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC\./.exec(text);
  if (!username || !found) return undefined;
  const [, code, day, time] = found;
  const expiresAt = Date.parse(`${day}T${time}Z`);
  return code && Number.isFinite(expiresAt) ? { to, username, code, expiresAt } : undefined;
}
