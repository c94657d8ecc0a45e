import type { SignInMethod } from "../bff.ts";
import { formatDateTime } from "../ui/format.ts";
import type { ActiveSession } from "./sessions-api.ts";

const METHOD_LABELS: Readonly<Record<SignInMethod, string>> = {
  password: "Password",
  password_and_code: "Password and a one-time code",
  federated: "Single sign-on",
};

/** "Password and a one-time code": how a session was signed in, read after "Signed in with". */
export function signInMethodLabel(method: SignInMethod): string {
  return METHOD_LABELS[method];
}

/** Long enough for "Chrome on Windows" and its kin; a longer summary is cut so one row cannot crowd the list. */
const MAX_DEVICE_LENGTH = 60;

/**
 * The BFF's device summary, made fit for a row and an accessible name: one
 * line of printable text, at most 60 characters, "Unknown device" when empty.
 */
export function deviceLabel(device: string): string {
  let printable = "";
  for (const char of device) {
    const code = char.codePointAt(0) ?? 0;
    printable += code < 0x20 || (code >= 0x7f && code < 0xa0) ? " " : char;
  }
  const line = printable.replace(/\s+/g, " ").trim();
  if (line === "") return "Unknown device";
  const chars = Array.from(line);
  return chars.length > MAX_DEVICE_LENGTH ? `${chars.slice(0, MAX_DEVICE_LENGTH - 1).join("")}…` : line;
}

/**
 * What a session is called in its "End session" button's accessible name:
 * the device, and, when another session in the list has the same device, when
 * it was signed in, so each button's name stays unique and stable as the list
 * is read.
 */
export function sessionName(session: ActiveSession, all: readonly ActiveSession[]): string {
  const device = deviceLabel(session.device);
  const twins = all.filter((other) => other.handle !== session.handle && deviceLabel(other.device) === device);
  return twins.length === 0 ? device : `${device}, signed in ${formatDateTime(session.createdAt)}`;
}
