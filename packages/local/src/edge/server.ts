import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createLogger } from "@spa-bff/core";
import { BodyTooLargeError, close, listen, type RunningServer, readBody } from "../http/listen.ts";
import { functionUrlAnswer } from "../lambda/function-url-answers.ts";
import type { Invoke } from "../lambda/in-process.ts";
import { hasValidBodyHash, signatureMismatchBody } from "./body-hash.ts";
import { forwardHeaders, isHopByHop } from "./forwarded-headers.ts";
import { buildFunctionUrlEvent, type EdgeResponse, mapFunctionUrlResult } from "./function-url-event.ts";
import { spaSecurityHeaders } from "./security-headers.ts";
import { resolveStaticFile } from "./static-files.ts";
import { type EmbeddedVite, startEmbeddedVite } from "./vite-spa.ts";

/** Where the SPA comes from: a built directory, an embedded Vite dev server, or nowhere. */
export type SpaSource =
  | { readonly kind: "static"; readonly dir: string }
  | { readonly kind: "vite"; readonly root: string }
  | { readonly kind: "none" };

/** Options of {@link startEdge}. */
export interface EdgeOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Host name in the edge's URL (default "localhost", so Chromium keeps Secure and __Host- cookies); it listens on 127.0.0.1. */
  readonly host?: string;
  /**
   * The BFF's functions behind their path prefixes, as the Router routes them
   * (`/auth/`, `/api/`, `/files/`; the bare `/auth`, `/api`, `/files` go there
   * too), each invoked with function URL events (payload 2.0).
   */
  readonly functions: readonly EdgeFunction[];
  /** Extra origins the SPA may connect to (CSP `connect-src`), read per response: the local S3 starts after the edge. */
  readonly connectSources?: () => readonly string[];
  readonly spa: SpaSource;
  /** Default 6 MB, Lambda's synchronous payload limit. */
  readonly maxBodyBytes?: number;
}

/** One function URL origin of the Router. */
export interface EdgeFunction {
  readonly prefix: string;
  readonly invoke: Invoke;
}

/** A running edge; its `url` is e.g. `http://localhost:3000`. */
export type RunningEdge = RunningServer;

const lambdaPayloadLimit = 6 * 1024 * 1024;

/**
 * Starts the local stand-in for CloudFront in front of the BFF's function
 * URL: BFF prefixes become function URL events (with OAC's body-hash rule),
 * everything else is the SPA with the deployed security headers.
 *
 * @example
 * const edge = await startEdge({ port: 3000, functions: [{ prefix: "/api/", invoke: pool.invoke }], spa: { kind: "static", dir: "web/dist" } });
 */
export async function startEdge(options: EdgeOptions): Promise<RunningEdge> {
  const host = options.host ?? "localhost";
  const listenHost = host === "localhost" ? "127.0.0.1" : host;
  const functions = options.functions;
  const maxBodyBytes = options.maxBodyBytes ?? lambdaPayloadLimit;
  const logger = createLogger("local-edge");
  let port = options.port;
  let vite: EmbeddedVite | undefined;

  const functionFor = (pathname: string) =>
    functions.find(({ prefix }) => pathname.startsWith(prefix) || (prefix.endsWith("/") && pathname === prefix.slice(0, -1)));

  const handleBff = async (req: IncomingMessage, res: ServerResponse, rawUrl: string, target: EdgeFunction): Promise<void> => {
    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        res.setHeader("connection", "close");
        return sendJson(res, 413, { message: `Request must be smaller than ${maxBodyBytes} bytes for the InvokeFunction operation` });
      }
      throw error;
    }
    const headers = forwardHeaders(req.rawHeaders, { clientIp: req.socket.remoteAddress ?? "127.0.0.1", host: `${host}:${port}`, port });
    const hashHeader = headers.find(([name]) => name === "x-amz-content-sha256")?.[1];
    if (!hasValidBodyHash(body, hashHeader)) return sendJson(res, 403, signatureMismatchBody);

    const requestId = randomUUID();
    const event = buildFunctionUrlEvent({
      method: req.method ?? "GET",
      rawUrl,
      headers,
      body,
      sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
      requestId,
      now: Date.now(),
      domainName: host,
      apiId: "local",
    });
    const result = await target.invoke(event, { requestId });
    let mapped: EdgeResponse | undefined;
    if (result.outcome === "success") {
      try {
        mapped = mapFunctionUrlResult(result.payload);
      } catch {
        mapped = undefined;
      }
    }
    if (!mapped) {
      // What a function URL answers for a throttled, failed, timed-out or unreadable invocation; only the error's type is logged.
      const failure = result.outcome === "success" ? "invalid-response" : result.outcome;
      if (result.outcome === "error") logger.error("bff function failed", { requestId, errorType: result.error.errorType });
      const answer = functionUrlAnswer(failure);
      res.statusCode = answer.status;
      for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
      res.setHeader("x-amzn-requestid", requestId);
      res.end(answer.body);
      return;
    }
    res.statusCode = mapped.statusCode;
    const setCookies: string[] = [];
    for (const [name, value] of mapped.headers) {
      if (name === "set-cookie") setCookies.push(value);
      else if (!isHopByHop(name)) res.setHeader(name, value);
    }
    setCookies.push(...mapped.cookies);
    if (setCookies.length > 0) res.setHeader("set-cookie", setCookies);
    res.setHeader("x-amzn-requestid", requestId);
    res.end(req.method === "HEAD" ? undefined : mapped.body);
  };

  const handleSpa = async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    for (const [name, value] of Object.entries(spaSecurityHeaders(options.spa.kind, port, options.connectSources?.() ?? [])))
      res.setHeader(name, value);
    if (options.spa.kind === "none") return sendJson(res, 404, { message: "Not Found" });
    if (options.spa.kind === "vite") {
      const middlewares = vite?.middlewares;
      if (!middlewares) return sendJson(res, 503, { message: "The Vite dev server is not running" });
      middlewares(req, res, () => sendJson(res, 404, { message: "Not Found" }));
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return sendJson(res, 405, { message: "Method Not Allowed" });
    }
    const accept = req.headers.accept ?? "";
    const navigation = req.headers["sec-fetch-mode"] === "navigate" || accept.includes("text/html");
    const file = await resolveStaticFile(options.spa.dir, pathname, { navigation });
    if (!file) return sendJson(res, 404, { message: "Not Found" });
    res.statusCode = 200;
    res.setHeader("content-type", file.contentType);
    res.setHeader("cache-control", file.cacheControl);
    res.setHeader("content-length", file.size);
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    const stream = createReadStream(file.filePath);
    stream.on("error", () => res.destroy());
    stream.pipe(res);
  };

  const server = createServer((req, res) => {
    const rawUrl = req.url ?? "/";
    // Only the path decides the route; an absolute-form request target is reduced to it.
    const pathname = new URL(rawUrl, "http://edge.invalid").pathname;
    const target = functionFor(pathname);
    const work = target ? handleBff(req, res, rawUrl.startsWith("/") ? rawUrl : pathname, target) : handleSpa(req, res, pathname);
    work.catch((error: unknown) => {
      logger.error("edge request failed", { errorName: error instanceof Error ? error.name : typeof error });
      if (!res.headersSent) sendJson(res, 502, { message: "Internal Server Error" });
      else res.destroy();
    });
  });

  const open = async () => {
    port = await listen(server, port, listenHost, "Local edge");
    if (options.spa.kind === "vite" && !vite) vite = await startEmbeddedVite(options.spa.root, server);
  };
  await open();

  return {
    url: `http://${host}:${port}`,
    get port() {
      return port;
    },
    stop: async () => {
      const running = vite;
      vite = undefined;
      await running?.close();
      await close(server);
    },
    start: async () => {
      if (!server.listening) await open();
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(body));
}
