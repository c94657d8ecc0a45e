import type { KoaMiddleware } from "oidc-provider";

const discoveryPath = "/.well-known/openid-configuration";

/**
 * A Cognito user pool's `/.well-known/openid-configuration`: exactly the
 * members Cognito lists, with this IdP's endpoint URLs. Cognito lists no
 * `end_session_endpoint`, `revocation_endpoint`, `claims_supported` or
 * `code_challenge_methods_supported`, so a relying party that reads
 * discovery (the BFF) takes its Cognito-only branches: `/logout` and
 * `/oauth2/revoke` on the hosted domain, configured beside discovery.
 *
 * Where it differs from Cognito, and why: no `userinfo_endpoint`, since the
 * local IdP serves none (nothing here calls it); `response_types_supported`
 * is `["code"]`, because the implicit `token` flow is not served either.
 */
export function cognitoDiscovery(document: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return {
    authorization_endpoint: document.authorization_endpoint,
    id_token_signing_alg_values_supported: ["RS256"],
    issuer: document.issuer,
    jwks_uri: document.jwks_uri,
    response_types_supported: ["code"],
    scopes_supported: ["openid", "email", "phone", "profile"],
    subject_types_supported: ["public"],
    token_endpoint: document.token_endpoint,
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
  };
}

/** Reshapes oidc-provider's discovery answer into {@link cognitoDiscovery}'s. */
export function createCognitoDiscovery(): KoaMiddleware {
  return async (ctx, next) => {
    await next();
    if (ctx.path !== discoveryPath || ctx.status !== 200 || typeof ctx.body !== "object" || ctx.body === null) return;
    ctx.body = cognitoDiscovery(ctx.body as Record<string, unknown>);
  };
}
