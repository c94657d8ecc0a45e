import { LOGIN_TRANSACTION_SECONDS, loginCookieName, sealLoginTransaction } from "../auth/login-transaction.ts";
import { parseReturnTo } from "../auth/return-to.ts";
import { serializeCookie } from "../http/cookies.ts";
import { assertSameSite } from "../http/csrf.ts";
import type { RequestContext } from "../http/request-context.ts";
import { type BffResult, redirect } from "../http/respond.ts";
import type { BffRuntime } from "../runtime.ts";

/**
 * GET /auth/login?returnTo=/path: starts the code flow (PKCE S256, state,
 * nonce) and binds it to this browser with a sealed login cookie. Each login
 * gets its own cookie, so two tabs logging in at once do not clash.
 */
export async function login(runtime: BffRuntime, ctx: RequestContext): Promise<BffResult> {
  assertSameSite(ctx.headers, runtime.config.appOrigin, true);
  const returnTo = parseReturnTo(ctx.event.queryStringParameters?.returnTo);
  const started = await runtime.oidc.startLogin();
  const { sealer } = await runtime.sessionLayer();
  const sealed = await sealLoginTransaction(sealer, {
    state: started.state,
    nonce: started.nonce,
    codeVerifier: started.codeVerifier,
    returnTo,
    createdAt: ctx.now,
  });
  // Lax, not Strict: the callback is a cross-site top-level navigation from the IdP.
  const cookie = serializeCookie(loginCookieName(started.state), sealed, { maxAge: LOGIN_TRANSACTION_SECONDS });
  return redirect(started.url, [cookie]);
}
