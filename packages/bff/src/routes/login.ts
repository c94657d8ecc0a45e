import { redirect } from "@spa-bff/core/http";
import { LOGIN_TRANSACTION_SECONDS, loginCookieName, loginCookiesToEvict, sealLoginTransaction } from "../auth/login-transaction.ts";
import type { OidcClient } from "../auth/oidc-client.ts";
import { parseReturnTo } from "../auth/return-to.ts";
import { assertSameSite } from "../http/csrf.ts";
import type { Sealer } from "../session/types.ts";
import type { BffRoute } from "./route.ts";

export interface LoginDeps {
  idp: Pick<OidcClient, "startLogin">;
  sealer: Sealer;
  appOrigin: string;
}

/**
 * GET /auth/login?returnTo=/path: starts the code flow (PKCE S256, state,
 * nonce) and binds it to this browser with a sealed login cookie. Each login
 * gets its own cookie, so two tabs logging in at once do not clash; past
 * `MAX_LOGIN_COOKIES` the oldest is cleared, so no number of logins grows
 * the browser's headers past a few KB.
 */
export function loginRoute(deps: LoginDeps): BffRoute {
  return {
    method: "GET",
    path: "/auth/login",
    handler: async (request) => {
      assertSameSite(request.headers, deps.appOrigin, true);
      const returnTo = parseReturnTo(request.event.queryStringParameters?.returnTo);
      const started = await deps.idp.startLogin();
      const sealed = await sealLoginTransaction(deps.sealer, {
        state: started.state,
        nonce: started.nonce,
        codeVerifier: started.codeVerifier,
        returnTo,
        createdAt: request.now,
      });
      for (const name of loginCookiesToEvict(request.cookies)) request.clearCookie(name);
      // Lax, not Strict: the callback is a cross-site top-level navigation from the IdP.
      request.setCookie(loginCookieName(started.state), sealed, { maxAge: LOGIN_TRANSACTION_SECONDS });
      return redirect(started.url);
    },
  };
}
