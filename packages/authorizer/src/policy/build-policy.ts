import { isRouteAllowed, type RouteRule } from "@spa-bff/core";
import type { APIGatewayAuthorizerResult, PolicyDocument, Statement } from "aws-lambda";

/** The `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}` part of a method ARN. */
export function stageArnPrefix(methodArn: string): string | undefined {
  const match = /^(arn:aws[\w-]*:execute-api:[\w-]+:\d{12}:[\w-]+\/[\w.-]+)\/[A-Z*]+\/?/.exec(methodArn);
  return match?.[1];
}

/** The execute-api ARN that covers a route: `{param}` segments become `*`. */
export function routeArn(prefix: string, rule: RouteRule): string {
  const path = rule.resource.replace(/^\//, "").replace(/\{[^}]+\}/g, "*");
  return `${prefix}/${rule.method}/${path}`;
}

/**
 * A policy for the whole API, not just the called method: API Gateway caches
 * the result per token and evaluates the cached policy against later calls
 * to other methods, so it must Allow exactly the routes these scopes permit
 * and Deny the others.
 */
export function buildPolicy(prefix: string, rules: readonly RouteRule[], scopes: ReadonlySet<string>): PolicyDocument {
  const allowed = rules.filter((rule) => isRouteAllowed(rule, scopes)).map((rule) => routeArn(prefix, rule));
  const denied = rules.filter((rule) => !isRouteAllowed(rule, scopes)).map((rule) => routeArn(prefix, rule));
  const statements: Statement[] = [];
  if (allowed.length > 0) statements.push({ Effect: "Allow", Action: "execute-api:Invoke", Resource: allowed });
  if (denied.length > 0) statements.push({ Effect: "Deny", Action: "execute-api:Invoke", Resource: denied });
  return { Version: "2012-10-17", Statement: statements };
}

/** The authorizer context: strings only, as API Gateway passes them on. */
export interface AuthorizerContext {
  sub: string;
  clientId: string;
  /** Space-separated scopes. */
  scope: string;
  principalType: "user" | "machine";
  /** Users only. */
  username?: string;
  /**
   * The token's `exp` (epoch seconds, as a string). API Gateway caches this
   * answer by the Authorization header; the API refuses a cached answer
   * whose token has expired, so no token outlives its `exp`.
   */
  exp: string;
}

/** Shapes the authorizer result. */
export function toAuthorizerResult(
  principalId: string,
  policyDocument: PolicyDocument,
  context: AuthorizerContext,
): APIGatewayAuthorizerResult {
  return { principalId, policyDocument, context: { ...context } };
}
