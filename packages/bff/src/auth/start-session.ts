import { AuditEvents, audit } from "../audit.ts";
import { SESSION_COOKIE, serializeCookie } from "../http/cookies.ts";
import type { RequestContext } from "../http/request-context.ts";
import type { BffRuntime } from "../runtime.ts";
import type { Session, SessionUser, TokenSet } from "../session/types.ts";

/**
 * Ends whatever session the browser had and starts a brand-new one for a
 * user who has just logged in, by either login (the code-flow callback or
 * the branded sign-in): a new random id every time, so an id planted before
 * the login is worth nothing afterwards (no fixation). Queues the session
 * cookie on the request and writes the `auth.login` audit line.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#renew-the-session-id-after-any-privilege-level-change
 */
export async function startSession(
  runtime: BffRuntime,
  ctx: RequestContext,
  login: { user: SessionUser; tokens: TokenSet },
  method: "hosted" | "branded",
): Promise<Session> {
  const { sessions } = await runtime.sessionLayer();
  const previous = ctx.cookies.get(SESSION_COOKIE);
  if (previous) await sessions.delete(previous);
  const session = await sessions.create(login, ctx.now);
  audit(runtime.logger, AuditEvents.login, { sub: session.user.sub, sessionId: session.id, requestId: ctx.requestId, method });
  ctx.responseCookies.push(serializeCookie(SESSION_COOKIE, session.id, { maxAge: runtime.config.session.absoluteSeconds }));
  return session;
}
