import { type BffClient, BffError, readSignInMethod, type SignInMethod } from "../bff.ts";

/** One of the signed-in user's sessions, as `GET /auth/sessions` lists it. */
export interface ActiveSession {
  /** Opaque and URL-safe; names the session to the BFF, never its id. */
  handle: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601, at the BFF's touch granularity (minutes, not seconds). */
  lastActiveAt: string;
  /** A short summary of the User-Agent, e.g. "Chrome on Linux"; empty when the BFF could not tell. */
  device: string;
  /** Absent when the BFF does not say, or says something this build has no words for. */
  signInMethod?: SignInMethod;
  /** The session of this browser. */
  current: boolean;
}

/** What ending a session came to: ended now, or already gone (404: ended elsewhere, expired, or never the caller's). */
export type EndSessionOutcome = "ended" | "already-ended";

function unreadable(): BffError {
  return new BffError("invalid_response", 200, "The server sent an answer this app cannot read.");
}

function isIsoDate(value: unknown): value is string {
  return typeof value === "string" && !Number.isNaN(Date.parse(value));
}

function toSession(value: unknown): ActiveSession | null {
  if (typeof value !== "object" || value === null) return null;
  const entry = value as Record<string, unknown>;
  // Without a handle it cannot be ended, and without its dates it cannot be described: leave it out.
  if (typeof entry.handle !== "string" || entry.handle === "" || !isIsoDate(entry.createdAt) || !isIsoDate(entry.lastActiveAt)) return null;
  const signInMethod = readSignInMethod(entry.signInMethod);
  return {
    handle: entry.handle,
    createdAt: entry.createdAt,
    lastActiveAt: entry.lastActiveAt,
    device: typeof entry.device === "string" ? entry.device : "",
    ...(signInMethod ? { signInMethod } : {}),
    current: entry.current === true,
  };
}

/**
 * The signed-in user's sessions: this browser's first, then the most recently
 * active. The BFF already answers in that order; it is kept here so the
 * screen never depends on it. Entries the app cannot use are left out; an
 * answer without a `sessions` list is an `invalid_response` error.
 *
 * @example
 * ```ts
 * const sessions = await listSessions(bff);
 * const others = sessions.filter((session) => !session.current);
 * ```
 */
export async function listSessions(client: BffClient): Promise<ActiveSession[]> {
  const answer = await client.request<unknown>("GET", "/auth/sessions");
  const list = (answer as { sessions?: unknown } | undefined)?.sessions;
  if (!Array.isArray(list)) throw unreadable();
  const sessions = list.map(toSession).filter((entry): entry is ActiveSession => entry !== null);
  return sessions.sort((a, b) => Number(b.current) - Number(a.current) || Date.parse(b.lastActiveAt) - Date.parse(a.lastActiveAt));
}

/**
 * Ends one session: `DELETE /auth/sessions/{handle}` (204). A 404 means it is
 * already gone, which is what the person wanted, so it resolves
 * `"already-ended"` for the caller to refresh its list. A 401 rejects like
 * any call, after the client has told the session store.
 */
export async function endSession(client: BffClient, handle: string): Promise<EndSessionOutcome> {
  try {
    await client.request<undefined>("DELETE", `/auth/sessions/${encodeURIComponent(handle)}`);
    return "ended";
  } catch (error) {
    if (error instanceof BffError && error.status === 404) return "already-ended";
    throw error;
  }
}
