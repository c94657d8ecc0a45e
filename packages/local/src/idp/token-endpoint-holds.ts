import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import type { KoaMiddleware } from "oidc-provider";
import { BodyTooLargeError, readBody } from "../http/listen.ts";
import type { TokenHolds } from "./token-holds.ts";

/** oidc-provider's own limit for a request body. */
const maxBodyBytes = 56 * 1024;

/**
 * The request as oidc-provider will read it: the same headers, URL and
 * socket, and a body stream that replays the bytes already read here.
 * oidc-provider reads the body from `ctx.req` only when it is readable
 * (otherwise it warns and falls back to a parsed `req.body`), so a fresh
 * stream keeps its own parsing, limits and errors as they are.
 */
function replayRequest(req: IncomingMessage, body: Buffer): IncomingMessage {
  const stream = Readable.from([body], { objectMode: false });
  return Object.assign(stream, {
    headers: req.headers,
    url: req.url,
    method: req.method,
    socket: req.socket,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
  }) as unknown as IncomingMessage;
}

function refreshTokenOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const value = (body as { refresh_token?: unknown }).refresh_token;
  return typeof value === "string" ? value : undefined;
}

/**
 * Applies the test holds (see `createTokenHolds`) to oidc-provider's token
 * endpoint, as middleware that runs before its routes. It does nothing at
 * all, not even read the body, while no hold waits for requests. Otherwise
 * it reads the form to learn the `grant_type` and, for a held request:
 *
 * - `before`: waits for the release before oidc-provider sees the request;
 *   then drops it if its client has gone (never processed, no answer),
 *   answers the `reject` error without processing it, or passes it on;
 * - `after`: lets oidc-provider process it (the refresh token rotates),
 *   then waits for the release before the answer is sent; if the client has
 *   gone by then the answer goes nowhere.
 */
export function createTokenEndpointHolds(holds: TokenHolds, tokenPath: string): KoaMiddleware {
  return async (ctx, next) => {
    const req = ctx.req;
    const contentType = req.headers["content-type"] ?? "";
    if (!holds.active || ctx.method !== "POST" || ctx.path !== tokenPath || !contentType.startsWith("application/x-www-form-urlencoded")) {
      await next();
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      ctx.status = 400;
      ctx.set("cache-control", "no-store");
      ctx.body = { error: "invalid_request", error_description: "failed to parse the request body" };
      return;
    }
    ctx.req = replayRequest(req, body);
    const ticket = holds.claim(new URLSearchParams(body.toString("utf8")).get("grant_type") ?? "", req, ctx.res);
    if (!ticket) {
      await next();
      return;
    }

    const decision = await ticket.beforeProcessing();
    if (decision.action === "drop") {
      // As if it never arrived: no processing and no answer; the connection is already gone.
      ctx.respond = false;
      req.socket.destroy();
      return;
    }
    if (decision.action === "reject") {
      ctx.status = 400;
      ctx.set("cache-control", "no-store");
      ctx.body = { error: decision.error, error_description: "grant request is invalid" };
      return;
    }
    try {
      await next();
    } finally {
      const answered = ctx.status === 200 ? refreshTokenOf(ctx.body) : undefined;
      if (!(await ticket.beforeSending(answered))) ctx.respond = false;
    }
  };
}
