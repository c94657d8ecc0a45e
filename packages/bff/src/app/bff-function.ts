import { ErrorCodes, isAppError } from "@spa-bff/core";
import { createHttpFunction, type HttpResponse } from "@spa-bff/core/http";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { AuditEvents } from "../audit.ts";
import type { BffConfig } from "../config.ts";
import { SESSION_COOKIE } from "../http/cookies.ts";
import { type BffRequest, type BffResponse, createBffRequest } from "../http/request.ts";
import { securityHeaders } from "../http/security-headers.ts";
import type { RouteGroup } from "./route-group.ts";
import { type BffAdapters, createServices } from "./services.ts";

/** The function URL handler (payload 2.0). */
export type BffHandler = (event: APIGatewayProxyEventV2, context?: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * One BFF function: the services built from the config, the given route
 * groups, and the shared HTTP shell (routing, security headers, cookies,
 * one error-to-response mapping). Each deployed function gets only its own
 * group (lambda/auth.ts, lambda/api.ts, lambda/files.ts), so its bundle
 * carries no other route's code.
 *
 * @example
 * export const handler = createBffFunction(loadBffConfig(lambdaEnv()), [apiGroup]);
 */
export function createBffFunction(config: BffConfig, groups: readonly RouteGroup[], adapters: Partial<BffAdapters> = {}): BffHandler {
  const services = createServices(config, adapters);
  const { logger, clock, audit } = services;
  const handler = createHttpFunction<APIGatewayProxyEventV2, BffRequest, BffResponse>({
    logger,
    routes: groups.flatMap((group) => group(services, config, adapters)),
    scope: (event, context) => createBffRequest(event, context.awsRequestId, clock(), logger),
    onError: (request, error) => {
      if (isAppError(error) && (error.code === ErrorCodes.csrf || error.code === ErrorCodes.crossSite)) {
        audit(AuditEvents.csrfRefused, { reason: error.code, requestId: request.requestId });
      }
      // A session that is gone (unknown, expired, refused refresh) loses its cookie; an outage (503) keeps it.
      if (isAppError(error) && error.status === 401) request.clearCookie(SESSION_COOKIE);
    },
    finish: (request, response) => finish(request, response),
  });
  return handler as BffHandler;
}

/** Security headers on every answer, no caching of `/auth/*` or errors, and the request's cookies. */
function finish(request: BffRequest, response: HttpResponse): BffResponse {
  const noStore = request.rawPath.startsWith("/auth/") || response.statusCode >= 400;
  const headers: Record<string, string> = { ...(response.headers ?? {}), ...securityHeaders(noStore) };
  // A proxied success keeps the API's caching decision (the upstream defaults it to no-store).
  if (!noStore && response.headers?.["cache-control"]) headers["cache-control"] = response.headers["cache-control"];
  const cookies = [...new Set(request.responseCookies)];
  return { ...response, headers, ...(cookies.length > 0 ? { cookies } : {}) };
}
