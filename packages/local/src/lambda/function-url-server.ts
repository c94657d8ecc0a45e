import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createLogger } from "@spa-bff/core";
import { isHopByHop } from "../edge/forwarded-headers.ts";
import { buildFunctionUrlEvent } from "../edge/function-url-event.ts";
import { BodyTooLargeError, close, listen, type RunningServer, readBody } from "../http/listen.ts";
import { functionUrlAnswer, functionUrlResponse } from "./function-url-answers.ts";
import type { Invoke } from "./in-process.ts";

export interface FunctionUrlServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** The function behind the URL; looked up per request, so the platform can start its pool after the URL exists. */
  invoke: () => Invoke | undefined;
  /** For log lines and the port-in-use message. */
  label: string;
}

const lambdaPayloadLimit = 6 * 1024 * 1024;

/**
 * A Lambda function URL with `AuthType: NONE`, reached directly (no
 * CloudFront, no origin access control): what a caller that cannot sign
 * its requests or hash its bodies, such as an IdP posting a logout token,
 * calls. The event is the function URL's payload 2.0 with the connection's
 * address as `sourceIp`; headers pass as the caller sent them, so nothing
 * here vouches for an `x-viewer-ip`.
 *
 * @example
 * const url = await startFunctionUrlServer({ port: 0, invoke: () => pool.invoke, label: "BffBackchannel" });
 */
export async function startFunctionUrlServer(options: FunctionUrlServerOptions): Promise<RunningServer> {
  const logger = createLogger("local-function-url");
  let port = options.port;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: Buffer;
    try {
      body = await readBody(req, lambdaPayloadLimit);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      res.setHeader("connection", "close");
      return send(res, {
        status: 413,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: "Request Entity Too Large" }),
      });
    }
    const invoke = options.invoke();
    if (!invoke) return send(res, functionUrlAnswer("error"));
    const headers: Array<[string, string]> = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const name = (req.rawHeaders[i] ?? "").toLowerCase();
      if (!isHopByHop(name)) headers.push([name, req.rawHeaders[i + 1] ?? ""]);
    }
    const requestId = randomUUID();
    const rawUrl = req.url ?? "/";
    const event = buildFunctionUrlEvent({
      method: req.method ?? "GET",
      rawUrl: rawUrl.startsWith("/") ? rawUrl : new URL(rawUrl, "http://url.invalid").pathname,
      headers,
      body,
      sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
      requestId,
      now: Date.now(),
      domainName: "localhost",
      apiId: "local",
    });
    const answer = functionUrlResponse(await invoke(event, { requestId }), requestId);
    if (answer.errorType) logger.error(`${options.label} failed`, { requestId, errorType: answer.errorType });
    res.statusCode = answer.status;
    const cookies = answer.headers.filter(([name]) => name === "set-cookie").map(([, value]) => value);
    for (const [name, value] of answer.headers) if (!isHopByHop(name) && name !== "set-cookie") res.setHeader(name, value);
    if (cookies.length > 0) res.setHeader("set-cookie", cookies);
    res.end(req.method === "HEAD" ? undefined : answer.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error(`${options.label} request failed`, { errorName: error instanceof Error ? error.name : typeof error });
      if (!res.headersSent) send(res, functionUrlAnswer("error"));
      else res.destroy();
    });
  });
  port = await listen(server, port, "127.0.0.1", options.label);
  return {
    url: `http://localhost:${port}`,
    get port() {
      return port;
    },
    stop: () => close(server),
    start: async () => {
      if (!server.listening) port = await listen(server, port, "127.0.0.1", options.label);
    },
  };
}

function send(res: ServerResponse, answer: { status: number; headers: Readonly<Record<string, string>>; body: string }): void {
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.end(answer.body);
}
