import { isAppError, toErrorBody } from "../errors.ts";
import type { Logger } from "../log.ts";
import { type HttpResponse, json } from "./response.ts";

/**
 * The one place where a thrown value becomes a response, for every HTTP
 * function. Client errors keep their message and their headers
 * (`Retry-After`, `Allow`); anything else gets a fixed body. The log line
 * carries only the error's class name, code and status: an unknown error's
 * message could echo a token or a code, so it is never logged or sent.
 */
export function errorResponse(error: unknown, logger: Logger, fields: Record<string, string> = {}): HttpResponse {
  const { status, body } = toErrorBody(error);
  const name = error instanceof Error ? error.name : typeof error;
  const causeName = error instanceof Error && error.cause instanceof Error ? error.cause.name : undefined;
  if (status >= 500 && !isAppError(error)) {
    logger.error("unexpected error", { ...fields, errorName: name, code: body.error, status });
  } else if (status >= 500) {
    logger.warn("request failed", { ...fields, errorName: name, ...(causeName ? { causeName } : {}), code: body.error, status });
  } else {
    logger.info("request refused", { ...fields, errorName: name, code: body.error, status });
  }
  return json(status, body, isAppError(error) ? { ...error.headers } : {});
}
