import { lazyService } from "@spa-bff/core";
import type { LogoutTokenVerifier } from "../auth/logout-token.ts";
import type { OidcClient } from "../auth/oidc-client.ts";
import type { BffConfig } from "../config.ts";
import { backchannelLogoutRoute } from "../routes/backchannel-logout.ts";
import type { RouteGroup } from "./route-group.ts";

/**
 * `POST /auth/backchannel-logout` on a function of its own with a public
 * function URL that the IdP calls directly, server to server. It cannot sit
 * behind CloudFront with the other routes: origin access control makes a
 * POST carry `x-amz-content-sha256` (the SHA-256 of its body), and no IdP
 * sends that header. Only with the hosted login of an IdP that sends logout
 * tokens (Cognito sends none): with the branded login the function has no
 * route at all.
 */
export const backchannelGroup: RouteGroup = (s, config) =>
  s.oidc
    ? [
        backchannelLogoutRoute({
          logoutTokens: logoutTokenVerifier(s.oidc, config),
          userSessions: s.userSessions,
          store: s.store,
          hash: s.hash,
          audit: s.audit,
        }),
      ]
    : [];

/** The logout-token verifier: aws-jwt-verify and the IdP's JWKS URI (from discovery) load with the first logout token. */
function logoutTokenVerifier(oidc: OidcClient, config: BffConfig): LogoutTokenVerifier {
  return lazyService<LogoutTokenVerifier>(async () =>
    (await import("../auth/logout-token.ts")).createLogoutTokenVerifier({
      issuer: config.oidc.issuer,
      clientId: config.oidc.clientId,
      jwksUri: await oidc.jwksUri(),
    }),
  );
}
