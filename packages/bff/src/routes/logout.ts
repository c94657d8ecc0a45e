import { AuditEvents, audit } from "../audit.ts";
import { currentSession } from "../auth/current-session.ts";
import { clearCookie, SESSION_COOKIE } from "../http/cookies.ts";
import { assertCsrfHeader, assertSameSite } from "../http/csrf.ts";
import { MethodNotAllowedError } from "../http/errors.ts";
import { logWarn, type RequestContext } from "../http/request-context.ts";
import { type BffResult, json } from "../http/respond.ts";
import type { BffRuntime } from "../runtime.ts";

/**
 * POST /auth/logout: deletes the session, revokes its refresh token
 * (RFC 7009) and clears the cookie, then answers the IdP's end-session URL.
 * The URL carries no `id_token_hint`: no token may reach the browser. A
 * failed revocation is logged, not fatal: the session is gone either way.
 * @see https://www.rfc-editor.org/rfc/rfc7009
 */
export async function logout(runtime: BffRuntime, ctx: RequestContext): Promise<BffResult> {
  assertCsrfHeader(ctx.headers);
  assertSameSite(ctx.headers, runtime.config.appOrigin);
  const session = await currentSession(runtime, ctx);
  if (session) {
    const { sessions } = await runtime.sessionLayer();
    await sessions.delete(session.id);
    audit(runtime.logger, AuditEvents.logout, { sub: session.user.sub, sessionId: session.id, requestId: ctx.requestId });
    if (session.tokens.refreshToken) {
      try {
        await runtime.oidc.revoke(session.tokens.refreshToken);
      } catch (error) {
        logWarn(ctx, "refresh token revocation failed", { errorName: error instanceof Error ? error.name : "unknown" });
      }
    }
  }
  if (ctx.cookies.has(SESSION_COOKIE) || session) ctx.responseCookies.push(clearCookie(SESSION_COOKIE));
  let logoutUrl: string;
  try {
    logoutUrl = await runtime.oidc.endSessionUrl();
  } catch (error) {
    // Discovery failed: the local session is gone; the IdP session ends on its own.
    logWarn(ctx, "end-session URL unavailable", { errorName: error instanceof Error ? error.name : "unknown" });
    logoutUrl = runtime.config.postLogoutRedirectUri;
  }
  return json(200, { logoutUrl });
}

/** Any other method on /auth/logout: a GET (an image tag, a prefetch) must log nobody out. */
export function logoutMethodNotAllowed(): never {
  throw new MethodNotAllowedError('Use "POST /auth/logout"');
}
