import type { Logger } from "@spa-bff/core";
import type { HttpResponse, HttpScope } from "@spa-bff/core/http";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { type CookieOptions, clearCookie, parseCookies, serializeCookie } from "./cookies.ts";
import { requestIdOf } from "./request-id.ts";

/** What every BFF route answers: a response whose cookies come only from the request's {@link BffRequest.setCookie}. */
export type BffResponse = HttpResponse & { cookies?: string[] };

/**
 * One request to the BFF as its routes see it: parsed once from the
 * function URL event (payload 2.0), with the request's clock reading and
 * logging. Cookies reach the response one way only: `setCookie` and
 * `clearCookie`, which the shell sends whether the route answers or throws.
 */
export interface BffRequest extends HttpScope {
  readonly event: APIGatewayProxyEventV2;
  readonly method: string;
  /** The path as the browser sent it, still percent-encoded. */
  readonly rawPath: string;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The request's cookies; the first of a name wins. */
  readonly cookies: ReadonlyMap<string, string>;
  /** Epoch seconds, read once so a request sees one clock. */
  readonly now: number;
  /** `Set-Cookie` values queued for the response. */
  readonly responseCookies: readonly string[];
  setCookie(name: string, value: string, options: CookieOptions): void;
  /** Expires a cookie, if the browser sent it (nothing to clear otherwise). */
  clearCookie(name: string): void;
  /** A warning with the request's log fields; callers pass codes and class names only. */
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** Builds the request from a function URL event; never throws (a malformed event becomes a 404 in the shell). */
export function createBffRequest(
  event: APIGatewayProxyEventV2,
  platformRequestId: string | undefined,
  now: number,
  logger: Logger,
): BffRequest {
  const headers = lowerCaseHeaders(event.headers);
  const requestId = requestIdOf(headers, platformRequestId ?? event.requestContext?.requestId);
  const cookies = parseCookies(event.cookies, event.cookies ? undefined : headers.cookie);
  const responseCookies: string[] = [];
  const logFields: Record<string, string> = { requestId };
  const rawPath = event.rawPath ?? event.requestContext?.http?.path ?? "";
  return {
    event,
    method: (event.requestContext?.http?.method ?? "GET").toUpperCase(),
    path: rawPath,
    rawPath,
    headers,
    cookies,
    requestId,
    now,
    logFields,
    responseCookies,
    setCookie: (name, value, options) => {
      responseCookies.push(serializeCookie(name, value, options));
    },
    clearCookie: (name) => {
      if (cookies.has(name)) responseCookies.push(clearCookie(name));
    },
    warn: (message, fields = {}) => logger.warn(message, { ...logFields, ...fields }),
  };
}

/** Headers of a payload 2.0 event, lower-cased. Function URLs already send lower-case names; the local edge and tests may not. */
export function lowerCaseHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) result[name.toLowerCase()] = value;
  }
  return result;
}

/** The body of a request as bytes (base64 decoded when the event says so). */
export function bodyBytes(request: BffRequest): Buffer {
  const raw = request.event.body;
  if (raw === undefined || raw === null || raw === "") return Buffer.alloc(0);
  return request.event.isBase64Encoded ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8");
}
