import { BadRequestError, ErrorCodes } from "@spa-bff/core";
import { requireSession } from "../auth/current-session.ts";
import { assertCsrfHeader, assertSameSite } from "../http/csrf.ts";
import { logWarn, type RequestContext } from "../http/request-context.ts";
import type { BffResult } from "../http/respond.ts";
import { upstreamRequestHeaders } from "../proxy/headers.ts";
import { upstreamPathOf, upstreamUrlOf } from "../proxy/path.ts";
import { callUpstream } from "../proxy/upstream.ts";
import type { EnsureFresh } from "../refresh/token-refresher.ts";
import type { BffRuntime } from "../runtime.ts";

/**
 * ANY /api/{path}: proxies to the private API with the session's access
 * token, refreshing it first when it is about to expire. Checks run cheapest
 * first, and all of them before the session is read.
 */
export async function proxy(runtime: BffRuntime, ctx: RequestContext, ensureFresh: EnsureFresh): Promise<BffResult> {
  assertCsrfHeader(ctx.headers);
  assertSameSite(ctx.headers, runtime.config.appOrigin);
  const path = upstreamPathOf(ctx.rawPath);
  const url = upstreamUrlOf(runtime.config.apiBaseUrl, path, ctx.event.rawQueryString);
  const body = requestBody(ctx, runtime.config.maxBodyBytes);

  const session = await ensureFresh(await requireSession(runtime, ctx), ctx.now, ctx.requestId);
  const result = await callUpstream(runtime.upstreamFetch, {
    url,
    method: ctx.method,
    headers: upstreamRequestHeaders(ctx.headers, session.tokens.accessToken, ctx.requestId),
    body: ctx.method === "GET" || ctx.method === "HEAD" ? undefined : body,
    timeoutMs: runtime.config.upstreamTimeoutMs,
  });
  // The API has already acted on the request, so a failed idle-deadline write must not turn its answer into an error.
  try {
    const { sessions } = await runtime.sessionLayer();
    await sessions.touchIfDue(session, ctx.now);
  } catch (error) {
    logWarn(ctx, "session touch failed", { errorName: error instanceof Error ? error.name : "unknown" });
  }
  return result;
}

function requestBody(ctx: RequestContext, maxBytes: number): Buffer | undefined {
  const declared = Number(ctx.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const raw = ctx.event.body;
  if (raw === undefined || raw === null || raw === "") return undefined;
  const bytes = ctx.event.isBase64Encoded ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8");
  if (bytes.length > maxBytes) throw tooLarge(maxBytes);
  return bytes;
}

function tooLarge(maxBytes: number): BadRequestError {
  return new BadRequestError(`The request body exceeds ${maxBytes} bytes`, { code: ErrorCodes.payloadTooLarge, status: 413 });
}
