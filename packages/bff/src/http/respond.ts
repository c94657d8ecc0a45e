import { isAppError, type Logger, toErrorBody } from "@spa-bff/core";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";

/** What every route returns; headers are merged with the security headers by the handler. */
export type BffResult = APIGatewayProxyStructuredResultV2 & { headers?: Record<string, string> };

/** A JSON answer. */
export function json(statusCode: number, body: unknown, cookies: string[] = []): BffResult {
  return {
    statusCode,
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify(body),
    ...(cookies.length > 0 ? { cookies } : {}),
  };
}

/** A 302 to a URL the caller has already validated. */
export function redirect(location: string, cookies: string[] = []): BffResult {
  return { statusCode: 302, headers: { location }, body: "", ...(cookies.length > 0 ? { cookies } : {}) };
}

/**
 * The one place where a thrown value becomes a response. Client errors keep
 * their message; anything else gets a fixed body. The log line carries only
 * the error's class name, code and status: an unknown error's message could
 * echo a token or a code (an IdP's error text, a fetch URL), so it is never
 * logged or sent.
 */
export function errorResponse(error: unknown, logger: Logger, fields: Record<string, string> = {}): BffResult {
  const { status, body } = toErrorBody(error);
  const name = error instanceof Error ? error.name : typeof error;
  const causeName = error instanceof Error && error.cause instanceof Error ? error.cause.name : undefined;
  if (status >= 500 && !isAppError(error)) {
    logger.error("unexpected error", { ...fields, errorName: name, code: body.error, status });
  } else if (status >= 500) {
    logger.warn("request failed", { ...fields, errorName: name, causeName, code: body.error, status });
  } else {
    logger.info("request refused", { ...fields, errorName: name, code: body.error, status });
  }
  return json(status, body);
}
