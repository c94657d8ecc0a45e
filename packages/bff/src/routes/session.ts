import { currentSession } from "../auth/current-session.ts";
import { assertCsrfHeader, assertSameSite } from "../http/csrf.ts";
import type { RequestContext } from "../http/request-context.ts";
import { type BffResult, json } from "../http/respond.ts";
import type { BffRuntime } from "../runtime.ts";
import { clearCookie, SESSION_COOKIE } from "../http/cookies.ts";

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
    return json(200, { authenticated: false });
  }
  const { sessions } = await runtime.sessionLayer();
  const session = await sessions.touchIfDue(found, ctx.now);
  const { sub, name, email } = session.user;
  return json(200, {
    authenticated: true,
    user: { sub, ...(name ? { name } : {}), ...(email ? { email } : {}) },
    expiresAt: new Date(Math.min(session.idleExpiresAt, session.absoluteExpiresAt) * 1000).toISOString(),
  });
}
