import { ErrorCodes, UnauthenticatedError } from "@spa-bff/core";
import { type Audit, AuditEvents } from "../audit.ts";
import { SESSION_COOKIE } from "../http/cookies.ts";
import type { BffRequest } from "../http/request.ts";
import { sessionRef } from "../session/session-id.ts";
import type { Session, SessionService } from "../session/types.ts";

/**
 * The live session of the request's cookie, or `undefined`. A store or key
 * outage throws `SessionStoreError` (503) so the cookie is kept: an outage
 * must not look like a logout.
 */
export async function currentSession(sessions: SessionService, audit: Audit, request: BffRequest): Promise<Session | undefined> {
  const id = request.cookies.get(SESSION_COOKIE);
  if (!id) return undefined;
  request.logFields.session = sessionRef(id);
  const session = await sessions.get(id, request.now);
  // The store cannot say which (expired, deleted, tampered or never issued); the reference ties it to the login event.
  if (!session) audit(AuditEvents.sessionExpired, { sessionId: id, reason: "unknown_or_expired", requestId: request.requestId });
  return session;
}

/**
 * The live session, or 401: `session_revoked` for a session ended from
 * elsewhere, `unauthenticated` otherwise (the shell then clears the cookie).
 */
export async function requireSession(sessions: SessionService, audit: Audit, request: BffRequest): Promise<Session> {
  const session = await currentSession(sessions, audit, request);
  if (session) return session;
  if (await endedElsewhere(sessions, request)) throw new UnauthenticatedError(undefined, { code: ErrorCodes.sessionRevoked });
  throw new UnauthenticatedError();
}

/**
 * Whether the request's cookie names a session that was ended from elsewhere
 * (another browser, log out everywhere, an operator or the IdP). Asked only
 * once no live session was found, so a live session never pays the read.
 */
export async function endedElsewhere(sessions: SessionService, request: BffRequest): Promise<boolean> {
  const id = request.cookies.get(SESSION_COOKIE);
  return id !== undefined && id !== "" && (await sessions.endedElsewhere(id, request.now));
}
