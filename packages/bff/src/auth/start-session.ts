import { type Audit, AuditEvents } from "../audit.ts";
import { SESSION_COOKIE } from "../http/cookies.ts";
import type { BffRequest } from "../http/request.ts";
import { describeDevice } from "../session/device-summary.ts";
import type { NewSession, Session, SessionService } from "../session/types.ts";

/** What starting a session needs: the sessions, the audit line and how long the cookie lives. */
export interface SessionStarter {
  sessions: SessionService;
  audit: Audit;
  /** The session cookie's Max-Age: the absolute lifetime. */
  cookieMaxAge: number;
}

/** What a completed login hands over: who, their tokens, how they signed in and the IdP's session id. */
export type CompletedLogin = Omit<NewSession, "device">;

/**
 * Ends whatever session the browser had and starts a brand-new one for a
 * user who has just logged in, by either login (the code-flow callback or
 * the branded sign-in): a new random id every time, so an id planted before
 * the login is worth nothing afterwards (no fixation). Sets the session
 * cookie and writes the `auth.login` audit line.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#renew-the-session-id-after-any-privilege-level-change
 */
export async function startSession(
  starter: SessionStarter,
  request: BffRequest,
  login: CompletedLogin,
  method: "hosted" | "branded",
): Promise<Session> {
  const previous = request.cookies.get(SESSION_COOKIE);
  if (previous) await starter.sessions.delete(previous);
  const session = await starter.sessions.create({ ...login, device: describeDevice(request.headers["user-agent"]) }, request.now);
  starter.audit(AuditEvents.login, { sub: session.user.sub, sessionId: session.id, requestId: request.requestId, method });
  request.setCookie(SESSION_COOKIE, session.id, { maxAge: starter.cookieMaxAge });
  return session;
}
