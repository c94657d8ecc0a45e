import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createLogger } from "@spa-bff/core";
import type { APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { BodyTooLargeError, close, listen, type RunningServer, readBody } from "../http/listen.ts";
import { authorizerAnswer, integrationAnswer } from "../lambda/api-gateway-answers.ts";
import type { HttpAnswer } from "../lambda/function-url-answers.ts";
import type { Invoke } from "../lambda/in-process.ts";
import { createAuthorizerCache } from "./cache.ts";
import {
  type ApiIdentity,
  buildAuthorizerEvent,
  buildMethodArn,
  buildProxyEvent,
  type GatewayRequest,
  headerValue,
  mapProxyResult,
} from "./event.ts";
import { type AuthorizerGrant, evaluatePolicy, parseAuthorizerResult } from "./policy.ts";
import { createRouteMatcher, type RouteDefinition } from "./route-match.ts";

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  readonly stage: string;
  readonly region?: string;
  readonly accountId?: string;
  readonly apiId?: string;
  readonly routes: readonly RouteDefinition[];
  /** The REQUEST authorizer function; identity source: the Authorization header. */
  readonly authorizer: Invoke;
  /** The Lambda proxy integration behind every route. */
  readonly integration: Invoke;
  /** Authorizer result TTL; default 300, 0 turns caching off. */
  readonly cacheTtlSeconds?: number;
  /** Milliseconds since the epoch; drives the cache TTL. */
  readonly clock?: () => number;
  /** Default 10 MB, API Gateway's payload limit. */
  readonly maxBodyBytes?: number;
}

/** A running gateway. `stop()` and `start()` let tests take the API away and bring it back on the same port. */
export interface RunningGateway extends RunningServer {
  /** Base URL including the stage, e.g. `http://127.0.0.1:3002/local`. */
  readonly url: string;
  /** How many times the authorizer ran (cache hits do not count). */
  authorizerCalls(): number;
}

interface Reply {
  status: number;
  body: unknown;
  errorType?: string;
}

// API Gateway's own gateway responses, byte for byte in their bodies.
const missingToken: Reply = {
  status: 403,
  body: { message: "Missing Authentication Token" },
  errorType: "MissingAuthenticationTokenException",
};
const unauthorized: Reply = { status: 401, body: { message: "Unauthorized" }, errorType: "UnauthorizedException" };
const explicitDeny: Reply = {
  status: 403,
  body: { Message: "User is not authorized to access this resource with an explicit deny" },
  errorType: "AccessDeniedException",
};
const implicitDeny: Reply = {
  status: 403,
  body: { Message: "User is not authorized to access this resource" },
  errorType: "AccessDeniedException",
};
const integrationFailure: Reply = answerReply(integrationAnswer("error"));
const tooLarge: Reply = { status: 413, body: { message: "Request Too Long" }, errorType: "RequestTooLongException" };

/**
 * Starts the local private REST API: API Gateway REST (v1) semantics for
 * routing, the REQUEST authorizer (with its result cache) and the Lambda
 * proxy integration, over plain HTTP on loopback.
 *
 * @example
 * const api = await startGateway({ port: 3002, stage: "local", routes, authorizer, integration });
 * await fetch(`${api.url}/items`, { headers: { authorization: `Bearer ${token}` } });
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const host = options.host ?? "127.0.0.1";
  const api: ApiIdentity = {
    region: options.region ?? "us-east-1",
    accountId: options.accountId ?? "123456789012",
    apiId: options.apiId ?? "local",
    stage: options.stage,
  };
  const clock = options.clock ?? Date.now;
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const matchRoute = createRouteMatcher(options.routes);
  const cache = createAuthorizerCache({ ttlSeconds: options.cacheTtlSeconds ?? 300, clock });
  const logger = createLogger("local-gateway");
  let calls = 0;

  const authorize = async (
    identity: string,
    event: APIGatewayRequestAuthorizerEvent,
    requestId: string,
  ): Promise<AuthorizerGrant | Reply> => {
    const cached = cache.get(identity);
    if (cached) return cached.kind === "grant" ? cached.grant : unauthorized;
    calls++;
    const result = await options.authorizer(event, { requestId });
    if (result.outcome !== "success") {
      const answer = answerReply(
        authorizerAnswer(result.outcome === "error" ? { outcome: "error", error: result.error } : { outcome: result.outcome }),
      );
      // The exact message "Unauthorized" is API Gateway's signal for 401, and that answer is cached like a policy.
      if (answer.status === 401) cache.set(identity, { kind: "unauthorized" });
      else
        logger.error("authorizer failed", {
          requestId,
          outcome: result.outcome,
          ...(result.outcome === "error" ? { errorType: result.error.errorType } : {}),
        });
      return answer;
    }
    try {
      const grant = parseAuthorizerResult(result.payload);
      cache.set(identity, { kind: "grant", grant });
      return grant;
    } catch (error) {
      logger.error("authorizer returned a malformed result", { requestId, reason: error instanceof Error ? error.message : "unknown" });
      return answerReply(authorizerAnswer({ outcome: "invalid-response" }));
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    res.setHeader("x-amzn-RequestId", requestId);
    const target = new URL(req.url ?? "/", "http://gateway.invalid");
    const prefix = `/${api.stage}`;
    if (target.pathname !== prefix && !target.pathname.startsWith(`${prefix}/`)) return send(res, missingToken);
    const path = target.pathname.slice(prefix.length) || "/";
    const method = (req.method ?? "GET").toUpperCase();
    const route = matchRoute(method, path);
    if (!route) return send(res, missingToken);

    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        res.setHeader("connection", "close");
        return send(res, tooLarge);
      }
      throw error;
    }
    const request: GatewayRequest = {
      method,
      path,
      rawQuery: target.search.replace(/^\?/, ""),
      rawHeaders: req.rawHeaders,
      body,
      sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
      requestId,
      now: clock(),
    };

    const identity = headerValue(req.rawHeaders, "authorization");
    // A missing identity source is rejected by API Gateway itself; the authorizer never runs.
    if (identity === undefined || identity.trim() === "") return send(res, unauthorized);
    const outcome = await authorize(identity, buildAuthorizerEvent(api, route, request), requestId);
    if (!("principalId" in outcome)) return send(res, outcome);
    // Cached or fresh, the policy is evaluated against THIS request's method ARN.
    const decision = evaluatePolicy(outcome.statements, buildMethodArn(api, method, path));
    if (decision === "explicit-deny") return send(res, explicitDeny);
    if (decision === "implicit-deny") return send(res, implicitDeny);

    const result = await options.integration(buildProxyEvent(api, route, request, outcome), { requestId });
    let mapped: ReturnType<typeof mapProxyResult> | undefined;
    if (result.outcome === "success") {
      try {
        mapped = mapProxyResult(result.payload);
      } catch {
        mapped = undefined;
      }
    }
    if (!mapped) {
      const failure = result.outcome === "success" ? "invalid-response" : result.outcome;
      if (result.outcome === "error") logger.error("integration failed", { requestId, errorType: result.error.errorType });
      return send(res, answerReply(integrationAnswer(failure)));
    }
    res.statusCode = mapped.statusCode;
    const grouped = new Map<string, string[]>();
    for (const [name, value] of mapped.headers) {
      const list = grouped.get(name) ?? [];
      list.push(value);
      grouped.set(name, list);
    }
    for (const [name, values] of grouped) res.setHeader(name, values.length === 1 ? (values[0] as string) : values);
    res.end(mapped.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error("gateway request failed", { errorName: error instanceof Error ? error.name : typeof error });
      if (!res.headersSent) send(res, integrationFailure);
      else res.destroy();
    });
  });

  let port = await listen(server, options.port, host, "Local API gateway");
  return {
    url: `http://${host}:${port}/${api.stage}`,
    port,
    stop: () => close(server),
    start: async () => {
      if (!server.listening) port = await listen(server, port, host, "Local API gateway");
    },
    authorizerCalls: () => calls,
  };
}

/** A front-door answer for a failed invocation, in this server's reply shape. */
function answerReply(answer: HttpAnswer): Reply {
  return { status: answer.status, body: JSON.parse(answer.body) as unknown, errorType: answer.headers["x-amzn-ErrorType"] ?? "" };
}

function send(res: ServerResponse, reply: Reply): void {
  res.statusCode = reply.status;
  res.setHeader("content-type", "application/json");
  if (reply.errorType) res.setHeader("x-amzn-ErrorType", reply.errorType);
  res.end(JSON.stringify(reply.body));
}
