import { PayloadTooLargeError } from "@spa-bff/core";
import type { HttpMethod } from "@spa-bff/core/http";
import type { Audit } from "../audit.ts";
import { requireSession } from "../auth/current-session.ts";
import { assertCsrfHeader, assertSameSite } from "../http/csrf.ts";
import { type BffRequest, bodyBytes } from "../http/request.ts";
import { upstreamRequestHeaders } from "../proxy/headers.ts";
import { upstreamPathOf } from "../proxy/path.ts";
import type { Upstream } from "../proxy/upstream.ts";
import type { EnsureFresh } from "../refresh/token-refresher.ts";
import type { SessionService } from "../session/types.ts";
import type { BffRoute } from "./route.ts";

export interface ProxyDeps {
  sessions: SessionService;
  refresher: EnsureFresh;
  upstream: Upstream;
  audit: Audit;
  appOrigin: string;
  maxBodyBytes: number;
}

/**
 * The methods the proxy forwards. Any other (OPTIONS, TRACE, PROPFIND, …)
 * answers 405 from the shell and never reaches the API with a token.
 */
export const proxiedMethods: readonly HttpMethod[] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/**
 * /api/{path}: proxies to the private API with the session's access token,
 * refreshing it first when it is about to expire. Checks run cheapest first,
 * and all of them before the session is read.
 */
export function proxyRoutes(deps: ProxyDeps): BffRoute[] {
  const handler = async (request: BffRequest) => {
    assertCsrfHeader(request.headers);
    assertSameSite(request.headers, deps.appOrigin);
    const path = upstreamPathOf(request.rawPath);
    const body = requestBody(request, deps.maxBodyBytes);

    const session = await deps.refresher(await requireSession(deps.sessions, deps.audit, request), request.now, request.requestId);
    const result = await deps.upstream.call({
      path,
      rawQuery: request.event.rawQueryString,
      method: request.method,
      headers: upstreamRequestHeaders(request.headers, session.tokens.accessToken, request.requestId),
      body: request.method === "GET" || request.method === "HEAD" ? undefined : body,
    });
    // The API has already acted on the request, so a failed idle-deadline write must not turn its answer into an error.
    try {
      await deps.sessions.touchIfDue(session, request.now);
    } catch (error) {
      request.warn("session touch failed", { errorName: error instanceof Error ? error.name : "unknown" });
    }
    return result;
  };
  return proxiedMethods.map((method) => ({ method, path: "/api/{proxy+}", handler }));
}

function requestBody(request: BffRequest, maxBytes: number): Buffer | undefined {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) throw new PayloadTooLargeError(maxBytes);
  const bytes = bodyBytes(request);
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
  return bytes.length > 0 ? bytes : undefined;
}
