export type { RouteRule } from "@spa-bff/core";
export { isRouteAllowed, routeRules } from "@spa-bff/core";
/** Re-exported for the bench, which measures the authorizer with a loopback JWKS; it lives in `@spa-bff/core/jwt`. */
export { LoopbackFetcher } from "@spa-bff/core/jwt";
export type { AuthorizerConfig } from "./config.ts";
export { loadAuthorizerConfig } from "./config.ts";
export type { AuthorizerDeps, AuthorizerHandler } from "./handler/authorizer-handler.ts";
export { createAuthorizerHandler } from "./handler/authorizer-handler.ts";
export type { AuthorizerContext } from "./policy/build-policy.ts";
export { buildPolicy, routeArn, stageArnPrefix } from "./policy/build-policy.ts";
export type { AccessTokenClaims } from "./token/access-token-claims.ts";
export { parseBearer } from "./token/parse-bearer.ts";
export type { RefusalReason } from "./token/refusal-reason.ts";
export type { AccessTokenVerifier, VerifierOptions } from "./token/verifier.ts";
export { createAccessTokenVerifier } from "./token/verifier.ts";
