import { UpstreamError, UpstreamTimeoutError } from "@spa-bff/core";
import type { BffResult } from "../http/respond.ts";
import { browserResponseHeaders, isTextContentType } from "./headers.ts";

export interface UpstreamRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  timeoutMs: number;
}

/**
 * Calls the API and shapes its answer for the browser: status and body kept
 * (binary as base64), allowlisted headers only. Redirects are not followed.
 * The timeout covers the whole exchange, body included, and stays below the
 * Lambda timeout so the browser gets a 504, not a platform error.
 */
export async function callUpstream(fetchImpl: typeof fetch, request: UpstreamRequest): Promise<BffResult> {
  const signal = AbortSignal.timeout(request.timeoutMs);
  let response: Response;
  let bytes: Buffer;
  try {
    response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body && request.body.length > 0 ? { body: request.body } : {}),
      redirect: "manual",
      signal,
    });
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    if (signal.aborted) throw new UpstreamTimeoutError(undefined, { cause: error });
    throw new UpstreamError(undefined, { cause: error });
  }
  const headers = browserResponseHeaders(response.headers);
  headers["cache-control"] ??= "no-store";
  const text = isTextContentType(headers["content-type"]);
  return {
    statusCode: response.status,
    headers,
    body: text ? bytes.toString("utf8") : bytes.toString("base64"),
    isBase64Encoded: !text,
  };
}
