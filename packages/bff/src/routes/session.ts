import { currentSession } from "../auth/current-session.ts";
import { clearCookie, SESSION_COOKIE } from "../http/cookies.ts";
import { assertCsrfHeader, assertSameSite } from "../http/csrf.ts";
import type { RequestContext } from "../http/request-context.ts";
import { type BffResult, json } from "../http/respond.ts";
import type { BffRuntime } from "../runtime.ts";
import type { Session, SessionUser } from "../session/types.ts";

/**
 * GET /auth/session: who is logged in, from the session alone (no IdP
 * call). Sends only `sub`, `name` and `email`, never a token or other claim.
 * Slides the idle deadline (throttled by the session layer).
 */
export async function sessionInfo(runtime: BffRuntime, ctx: RequestContext): Promise<BffResult> {
  assertCsrfHeader(ctx.headers);
  assertSameSite(ctx.headers, runtime.config.appOrigin);
  const found = await currentSession(runtime, ctx);
  if (!found) {
    if (ctx.cookies.has(SESSION_COOKIE)) ctx.responseCookies.push(clearCookie(SESSION_COOKIE));
    // Which login the SPA offers: the Log in button (hosted) or its own sign-in form (branded).
    return json(200, { authenticated: false, login: runtime.config.login.mode });
  }
  const { sessions } = await runtime.sessionLayer();
  const session = await sessions.touchIfDue(found, ctx.now);
  return json(200, describeSession(session));
}

/** The logged-in answer of `/auth/session` (also sent after a branded sign-in): `sub`, `name`, `email` and the deadline only. */
export function describeSession(session: Session): {
  authenticated: true;
  user: Pick<SessionUser, "sub" | "name" | "email">;
  expiresAt: string;
} {
  const { sub, name, email } = session.user;
  return {
    authenticated: true,
    user: { sub, ...(name ? { name } : {}), ...(email ? { email } : {}) },
    expiresAt: new Date(Math.min(session.idleExpiresAt, session.absoluteExpiresAt) * 1000).toISOString(),
  };
}
