import { type AppError, ErrorCodes, IdpError } from "@spa-bff/core";
import { AuditEvents, audit } from "../audit.ts";
import { LOGIN_TRANSACTION_SECONDS, loginCookieName, openLoginTransaction } from "../auth/login-transaction.ts";
import { OidcRejectedError } from "../auth/oidc-errors.ts";
import { withAuthError } from "../auth/return-to.ts";
import { startSession } from "../auth/start-session.ts";
import { clearCookie } from "../http/cookies.ts";
import { assertSameSite } from "../http/csrf.ts";
import type { RequestContext } from "../http/request-context.ts";
import { type BffResult, redirect } from "../http/respond.ts";
import type { BffRuntime } from "../runtime.ts";

/**
 * GET /auth/callback?code&state: checks the state against this browser's
 * login cookie, redeems the code, and replaces any session the browser had
 * with a brand-new one (no fixation). Without a trustworthy login transaction
 * it answers 400 `invalid_login_state`; once the transaction is known, every
 * failure (IdP error, refused code, IdP down) redirects to `returnTo` with
 * `auth_error=<code>`. Either way no session is created.
 */
export async function callback(runtime: BffRuntime, ctx: RequestContext): Promise<BffResult> {
  assertSameSite(ctx.headers, runtime.config.appOrigin, true);
  const query = ctx.event.queryStringParameters ?? {};
  const { sealer } = await runtime.sessionLayer();
  const transaction = await openLoginTransaction(sealer, ctx.cookies, query.state);
  ctx.responseCookies.push(clearCookie(loginCookieName(transaction.state)));

  const fail = (reason: string, code: string): BffResult => {
    audit(runtime.logger, AuditEvents.loginFailed, { reason, requestId: ctx.requestId });
    return redirect(withAuthError(transaction.returnTo, code));
  };

  if (ctx.now - transaction.createdAt > LOGIN_TRANSACTION_SECONDS) return fail("login_expired", "login_expired");
  if (query.error) {
    const code = /^[a-z_]{1,64}$/.test(query.error) ? query.error : "login_failed";
    return fail(code, code);
  }
  if (!query.code) return fail("missing_code", ErrorCodes.loginFailed);

  const callbackUrl = new URL(runtime.config.redirectUri);
  callbackUrl.search = ctx.event.rawQueryString ?? "";
  let result: Awaited<ReturnType<typeof runtime.oidc.redeemCode>>;
  try {
    result = await runtime.oidc.redeemCode(
      callbackUrl,
      { state: transaction.state, nonce: transaction.nonce, codeVerifier: transaction.codeVerifier },
      ctx.now,
    );
  } catch (error) {
    if (error instanceof OidcRejectedError) return fail(error.reason, ErrorCodes.loginFailed);
    if (error instanceof IdpError) return fail("idp_unavailable", ErrorCodes.idp);
    throw error as AppError;
  }

  await startSession(runtime, ctx, result, "hosted");
  return redirect(transaction.returnTo);
}
