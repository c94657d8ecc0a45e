import { UpstreamError, UpstreamTimeoutError } from "@spa-bff/core";
import type { HttpResponse } from "@spa-bff/core/http";
import { createFetchTransport } from "./fetch-transport.ts";
import { browserResponseHeaders, isTextContentType } from "./headers.ts";
import { createHttpTransport } from "./http-transport.ts";
import { upstreamUrlOf } from "./path.ts";
import { type Transport, TransportTimeout } from "./transport.ts";

/** One call to the private API, on a path already checked by `upstreamPathOf`. */
export interface UpstreamRequest {
  /** The API path without its leading slash (`items/42`). */
  path: string;
  rawQuery: string | undefined;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/** The private API as the proxy sees it. */
export interface Upstream {
  call(request: UpstreamRequest): Promise<HttpResponse>;
}

export interface UpstreamOptions {
  /** The API's base URL with its stage path, without a trailing slash. */
  baseUrl: string;
  /** Covers the whole exchange, body included; below the Lambda timeout, so the browser gets a 504, not a platform error. */
  timeoutMs: number;
  /** A stand-in for the API in tests; by default Node's HTTP client with a keep-alive agent. */
  fetch?: typeof fetch;
}

/**
 * Calls the API and shapes its answer for the browser: status and body kept
 * (binary as base64), allowlisted headers only. Redirects are not followed,
 * and no host, port or scheme can come from the request.
 *
 * @example
 * const upstream = createUpstream({ baseUrl: config.apiBaseUrl, timeoutMs: 8000 });
 */
export function createUpstream(options: UpstreamOptions): Upstream {
  const send: Transport = options.fetch ? createFetchTransport(options.fetch) : createHttpTransport();
  return {
    async call(request) {
      const url = upstreamUrlOf(options.baseUrl, request.path, request.rawQuery);
      let response: Awaited<ReturnType<Transport>>;
      try {
        response = await send({
          url,
          method: request.method,
          headers: request.headers,
          body: request.body && request.body.length > 0 ? request.body : undefined,
          timeoutMs: options.timeoutMs,
        });
      } catch (error) {
        if (error instanceof TransportTimeout) throw new UpstreamTimeoutError(undefined, { cause: error });
        throw new UpstreamError(undefined, { cause: error });
      }
      const headers = browserResponseHeaders(response.headers);
      headers["cache-control"] ??= "no-store";
      const text = isTextContentType(headers["content-type"]);
      return {
        statusCode: response.status,
        headers,
        body: text ? response.body.toString("utf8") : response.body.toString("base64"),
        isBase64Encoded: !text,
      };
    },
  };
}
