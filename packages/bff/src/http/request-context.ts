import type { Logger } from "@spa-bff/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { parseCookies } from "./cookies.ts";
import { lowerCaseHeaders } from "./headers.ts";
import { requestIdOf } from "./request-id.ts";

/** What a route needs to know about one request; built once per request by the handler. */
export interface RequestContext {
  readonly event: APIGatewayProxyEventV2;
  readonly method: string;
  /** The path as the browser sent it, still percent-encoded. */
  readonly rawPath: string;
  readonly headers: Record<string, string>;
  readonly cookies: Map<string, string>;
  readonly requestId: string;
  /** Epoch seconds, read once so a request sees one clock. */
  readonly now: number;
  /** `Set-Cookie` values to send, whether the route succeeds or throws. */
  readonly responseCookies: string[];
  /** Log fields that every line of this request carries (request id, session-id hash). */
  readonly logFields: Record<string, string>;
  readonly logger: Logger;
}

export function createRequestContext(
  event: APIGatewayProxyEventV2,
  platformRequestId: string | undefined,
  now: number,
  logger: Logger,
): RequestContext {
  const headers = lowerCaseHeaders(event.headers);
  const requestId = requestIdOf(headers, platformRequestId ?? event.requestContext?.requestId);
  return {
    event,
    method: (event.requestContext?.http?.method ?? "GET").toUpperCase(),
    rawPath: event.rawPath ?? event.requestContext?.http?.path ?? "/",
    headers,
    cookies: parseCookies(event.cookies, event.cookies ? undefined : headers.cookie),
    requestId,
    now,
    responseCookies: [],
    logFields: { requestId },
    logger,
  };
}

/** Logs with the request's fields; callers pass codes and hashes only. */
export function logInfo(ctx: RequestContext, message: string, fields: Record<string, unknown> = {}): void {
  ctx.logger.info(message, { ...ctx.logFields, ...fields });
}

export function logWarn(ctx: RequestContext, message: string, fields: Record<string, unknown> = {}): void {
  ctx.logger.warn(message, { ...ctx.logFields, ...fields });
}
