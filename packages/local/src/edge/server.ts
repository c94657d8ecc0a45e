import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createLogger } from "@spa-bff/core";
import { responseHeadersPolicy } from "@spa-bff/core/infra";
import { BodyTooLargeError, close, listen, type RunningServer, readBody } from "../http/listen.ts";
import { functionUrlResponse } from "../lambda/function-url-answers.ts";
import type { Invoke } from "../lambda/in-process.ts";
import { hasValidBodyHash, signatureMismatchBody } from "./body-hash.ts";
import { forwardHeaders, isHopByHop } from "./forwarded-headers.ts";
import { buildFunctionUrlEvent } from "./function-url-event.ts";
import { applyResponseHeadersPolicy, policyHeaders, type ResponseHeadersPolicy } from "./security-headers.ts";
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
  /** The CloudFront response headers policy; default the declaration's (a test may pass another to see the edge follow it). */
  readonly headersPolicy?: ResponseHeadersPolicy;
}

/** One function URL origin of the Router. */
export interface EdgeFunction {
  /** It answers every path under this prefix (ending in `/`)… */
  readonly prefix: string;
  /** …and, when `bare`, the prefix without its slash (`/files`), as a CloudFront behaviour for that exact path does. */
  readonly bare?: boolean;
  readonly invoke: Invoke;
}

/** A running edge; its `url` is e.g. `http://localhost:3000`. */
export type RunningEdge = RunningServer;

const lambdaPayloadLimit = 6 * 1024 * 1024;

/**
 * The address the BFF's functions see as `requestContext.http.sourceIp`:
 * behind CloudFront a function URL's caller is an edge server, never the
 * browser (whose address travels in `x-viewer-ip`, see forwarded-headers.ts).
 * A documentation address (RFC 5737), the same for every request, as many
 * viewers share one edge server: code that took it for the client's address
 * would lump every local user together, as it would in AWS.
 */
export const edgeServerAddress = "192.0.2.80";

/**
 * Starts the local stand-in for CloudFront in front of the BFF's function
 * URL: BFF prefixes become function URL events (with OAC's body-hash rule,
 * an edge server as `sourceIp` and the viewer's address in `x-viewer-ip`),
 * everything else is the SPA. Every answer, the BFF's included, gets the
 * stage's response headers policy as CloudFront applies it.
 *
 * @example
 * const edge = await startEdge({ port: 3000, functions: [{ prefix: "/api/", invoke: pool.invoke }], spa: { kind: "static", dir: "web/dist" } });
 */
export async function startEdge(options: EdgeOptions): Promise<RunningEdge> {
  const host = options.host ?? "localhost";
  const listenHost = host === "localhost" ? "127.0.0.1" : host;
  const functions = options.functions;
  const maxBodyBytes = options.maxBodyBytes ?? lambdaPayloadLimit;
  const headersPolicy = options.headersPolicy ?? responseHeadersPolicy;
  const logger = createLogger("local-edge");
  let port = options.port;
  let vite: EmbeddedVite | undefined;

  const currentPolicyHeaders = () => policyHeaders(options.spa.kind, port, options.connectSources?.() ?? [], headersPolicy);

  /** Writes an answer from the BFF's origin (the function URL) as CloudFront passes it on: the headers policy applied. */
  const sendFromOrigin = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    headers: ReadonlyArray<readonly [string, string]>,
    body: string | Buffer,
  ): void => {
    res.statusCode = status;
    const byName = new Map<string, string[]>();
    for (const [original, value] of applyResponseHeadersPolicy(headers, currentPolicyHeaders(), headersPolicy.override)) {
      // HTTP names are case-insensitive: one entry per name, so a later spelling cannot overwrite an earlier one's values.
      const name = original.toLowerCase();
      if (isHopByHop(name)) continue;
      byName.set(name, [...(byName.get(name) ?? []), value]);
    }
    for (const [name, values] of byName) res.setHeader(name, name === "set-cookie" || values.length > 1 ? values : (values[0] as string));
    res.end(req.method === "HEAD" ? undefined : body);
  };
  const jsonFromOrigin = (req: IncomingMessage, res: ServerResponse, status: number, body: unknown, extra: Array<[string, string]> = []) =>
    sendFromOrigin(req, res, status, [["content-type", "application/json"], ...extra], JSON.stringify(body));

  const functionFor = (pathname: string) =>
    functions.find(({ prefix, bare }) => pathname.startsWith(prefix) || (bare === true && pathname === prefix.slice(0, -1)));

  const handleBff = async (req: IncomingMessage, res: ServerResponse, rawUrl: string, target: EdgeFunction): Promise<void> => {
    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        res.setHeader("connection", "close");
        return jsonFromOrigin(req, res, 413, {
          message: `Request must be smaller than ${maxBodyBytes} bytes for the InvokeFunction operation`,
        });
      }
      throw error;
    }
    // The viewer's address goes in the headers (x-viewer-ip, x-forwarded-for), as CloudFront and the Router's function put it.
    const forwarded = forwardHeaders(req.rawHeaders, { clientIp: req.socket.remoteAddress ?? "127.0.0.1", host: `${host}:${port}`, port });
    const hashHeader = forwarded.find(([name]) => name === "x-amz-content-sha256")?.[1];
    if (!hasValidBodyHash(body, hashHeader)) return jsonFromOrigin(req, res, 403, signatureMismatchBody);

    const requestId = randomUUID();
    const event = buildFunctionUrlEvent({
      method: req.method ?? "GET",
      rawUrl,
      headers: forwarded,
      body,
      // The function URL's caller is CloudFront, not the browser.
      sourceIp: edgeServerAddress,
      requestId,
      now: Date.now(),
      domainName: host,
      apiId: "local",
    });
    const answer = functionUrlResponse(await target.invoke(event, { requestId }), requestId);
    // Only the error's type is logged.
    if (answer.errorType) logger.error("bff function failed", { requestId, errorType: answer.errorType });
    sendFromOrigin(req, res, answer.status, answer.headers, answer.body);
  };

  const handleSpa = async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    for (const [name, value] of Object.entries(currentPolicyHeaders())) res.setHeader(name, value);
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
      if (res.headersSent) res.destroy();
      else if (target) jsonFromOrigin(req, res, 502, { message: "Internal Server Error" });
      else sendJson(res, 502, { message: "Internal Server Error" });
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
