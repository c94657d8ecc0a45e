import { type BffClient, BffError, type SessionUser } from "../bff.ts";

/** Where a step of the branded sign-in leads. */
export type SignInStep =
  /** The password was right: a code went out (again, when `retry`, after a wrong one). */
  | { kind: "code"; destination: string | null; retry: boolean }
  /** The code was right: the BFF has set the session cookie. */
  | { kind: "signed-in"; user: SessionUser };

function unreadable(): BffError {
  return new BffError("invalid_response", 200, "The server sent an answer this app cannot read.");
}

function toStep(value: unknown): SignInStep {
  if (typeof value !== "object" || value === null) throw unreadable();
  const body = value as { challenge?: unknown; destination?: unknown; retry?: unknown; authenticated?: unknown; user?: unknown };
  if (body.challenge === "CODE") {
    return { kind: "code", destination: typeof body.destination === "string" ? body.destination : null, retry: body.retry === true };
  }
  const user = body.user as { sub?: unknown } | null | undefined;
  if (body.authenticated === true && typeof user?.sub === "string") return { kind: "signed-in", user: body.user as SessionUser };
  throw unreadable();
}

/**
 * The password step: `POST /auth/signin`. The password goes only to the
 * BFF (same origin, over TLS); the BFF proves it to Cognito by SRP and keeps
 * Cognito's session in an HttpOnly cookie this code never sees.
 *
 * @example
 * ```ts
 * const step = await submitPassword(bff, "alice", password);
 * if (step.kind === "code") showCodeForm(step.destination);
 * ```
 */
export async function submitPassword(bff: BffClient, username: string, password: string): Promise<SignInStep> {
  return toStep(await bff.request<unknown>("POST", "/auth/signin", { username, password }));
}

/** The code step: `POST /auth/signin/code`, with the pending sign-in's cookie the browser sends by itself. */
export async function submitCode(bff: BffClient, code: string): Promise<SignInStep> {
  return toStep(await bff.request<unknown>("POST", "/auth/signin/code", { code: code.trim() }));
}

/**
 * Whether a failure of the code step ends this sign-in, so the form starts
 * again at the password: too many wrong codes or an expired code (401), a
 * lockout (429), or a sign-in the BFF no longer knows (`invalid_login_state`).
 */
export function endsSignIn(error: BffError): boolean {
  return error.status === 401 || error.status === 429 || error.code === "invalid_login_state";
}
