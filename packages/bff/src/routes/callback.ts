import { IdpError } from "@spa-bff/core";
import { redirect } from "@spa-bff/core/http";
import { type Audit, AuditEvents } from "../audit.ts";
import { LOGIN_TRANSACTION_SECONDS, loginCookieName, openLoginTransaction } from "../auth/login-transaction.ts";
import type { OidcClient } from "../auth/oidc-client.ts";
import { OidcRejectedError } from "../auth/oidc-errors.ts";
import { withAuthError } from "../auth/return-to.ts";
import { type SessionStarter, startSession } from "../auth/start-session.ts";
import { assertSameSite } from "../http/csrf.ts";
import type { Sealer } from "../session/types.ts";
import type { BffRoute } from "./route.ts";

export interface CallbackDeps extends SessionStarter {
  idp: Pick<OidcClient, "redeemCode">;
  sealer: Sealer;
  audit: Audit;
  appOrigin: string;
  /** The registered redirect URI, which the code is redeemed against. */
  redirectUri: string;
}

/**
 * GET /auth/callback?code&state: checks the state against this browser's
 * login cookie, redeems the code, and replaces any session the browser had
 * with a brand-new one (no fixation). Without a trustworthy login transaction
 * it answers 400 `invalid_login_state`; once the transaction is known, every
 * failure (IdP error, refused code, IdP down) redirects to `returnTo` with
 * `auth_error=<code>`. Either way no session is created.
 */
export function callbackRoute(deps: CallbackDeps): BffRoute {
  return {
    method: "GET",
    path: "/auth/callback",
    handler: async (request) => {
      assertSameSite(request.headers, deps.appOrigin, true);
      const query = request.event.queryStringParameters ?? {};
      const transaction = await openLoginTransaction(deps.sealer, request.cookies, query.state);
      request.clearCookie(loginCookieName(transaction.state));

      const fail = (reason: string, code: string) => {
        deps.audit(AuditEvents.loginFailed, { reason, requestId: request.requestId });
        return redirect(withAuthError(transaction.returnTo, code));
      };

      if (request.now - transaction.createdAt > LOGIN_TRANSACTION_SECONDS) return fail("login_expired", "login_expired");
      if (query.error) {
        const code = /^[a-z_]{1,64}$/.test(query.error) ? query.error : "login_failed";
        return fail(code, code);
      }
      if (!query.code) return fail("missing_code", "login_failed");

      const callbackUrl = new URL(deps.redirectUri);
      callbackUrl.search = request.event.rawQueryString ?? "";
      let result: Awaited<ReturnType<OidcClient["redeemCode"]>>;
      try {
        result = await deps.idp.redeemCode(
          callbackUrl,
          { state: transaction.state, nonce: transaction.nonce, codeVerifier: transaction.codeVerifier },
          request.now,
        );
      } catch (error) {
        if (error instanceof OidcRejectedError) return fail(error.reason, "login_failed");
        if (error instanceof IdpError) return fail("idp_unavailable", "idp_unavailable");
        throw error;
      }
      await startSession(deps, request, result, "hosted");
      return redirect(transaction.returnTo);
    },
  };
}
