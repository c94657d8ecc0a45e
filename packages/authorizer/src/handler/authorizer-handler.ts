import { createLogger, isRouteAllowed, type Logger, type RouteRule, routeRules } from "@spa-bff/core";
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import type { AuthorizerConfig } from "../config.ts";
import { buildPolicy, stageArnPrefix, toAuthorizerResult } from "../policy/build-policy.ts";
import { findAuthorizationHeader, parseBearer } from "../token/parse-bearer.ts";
import { type RefusalReason, refusalReason } from "../token/refusal-reason.ts";
import { type AccessTokenVerifier, createAccessTokenVerifier } from "../token/verifier.ts";

/** What the authorizer handler runs on. */
export interface AuthorizerDeps {
  verifier: AccessTokenVerifier;
  logger: Logger;
  rules: readonly RouteRule[];
}

/** The authorizer function, as API Gateway calls it. */
export type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

/**
 * Creates the REQUEST authorizer. An invalid or missing token throws
 * `Error("Unauthorized")` (API Gateway needs that exact message for a 401);
 * a valid token gets a policy over every route, where a route its scopes do
 * not cover is denied (403). Each refusal is logged with a reason code.
 *
 * @example
 * const authorize = createAuthorizerHandler(config, { verifier });
 * const result = await authorize(event);
 */
export function createAuthorizerHandler(config: AuthorizerConfig, deps: Partial<AuthorizerDeps> = {}): AuthorizerHandler {
  const logger = deps.logger ?? createLogger("authorizer");
  const rules = deps.rules ?? routeRules;
  // Without an injected verifier it is built on first use and reused, so the JWKS is fetched once per container.
  let verifier: Promise<AccessTokenVerifier> | undefined = deps.verifier ? Promise.resolve(deps.verifier) : undefined;
  const getVerifier = (): Promise<AccessTokenVerifier> => {
    verifier ??= createAccessTokenVerifier(config).catch((error: unknown) => {
      verifier = undefined;
      throw error;
    });
    return verifier;
  };

  const refuse = (reason: RefusalReason, event: APIGatewayRequestAuthorizerEvent): never => {
    logger.warn("Token refused", { reason, httpMethod: event.httpMethod, resource: event.resource });
    throw new Error("Unauthorized");
  };

  return async (event) => {
    const header = findAuthorizationHeader(event.headers, event.multiValueHeaders);
    if (header.ambiguous) return refuse("malformed_authorization", event);
    if (header.value === undefined || header.value === "") return refuse("missing_authorization", event);
    const token = parseBearer(header.value);
    if (token === undefined) return refuse("malformed_authorization", event);
    const prefix = stageArnPrefix(event.methodArn);
    if (prefix === undefined) return refuse("malformed_method_arn", event);

    let claims: Awaited<ReturnType<AccessTokenVerifier["verify"]>>;
    try {
      claims = await (await getVerifier()).verify(token);
    } catch (error) {
      return refuse(refusalReason(error), event);
    }

    const scopes = new Set(claims.scopes);
    const called = rules.find((rule) => rule.method === event.httpMethod && rule.resource === event.resource);
    if (called === undefined || !isRouteAllowed(called, scopes)) {
      logger.warn("Route refused", {
        reason: "missing_scope" satisfies RefusalReason,
        httpMethod: event.httpMethod,
        resource: event.resource,
        requiredScope: called?.scope ?? null,
        clientId: claims.clientId,
        principalType: claims.principalType,
      });
    }
    return toAuthorizerResult(claims.sub, buildPolicy(prefix, rules, scopes), {
      sub: claims.sub,
      clientId: claims.clientId,
      scope: claims.scopes.join(" "),
      principalType: claims.principalType,
      ...(claims.username === undefined ? {} : { username: claims.username }),
      exp: String(claims.exp),
    });
  };
}
