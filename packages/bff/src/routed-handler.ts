import type { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import middy from "@middy/core";
import httpRouterHandler, { type Method, type Route } from "@middy/http-router";
import { createLogger, ErrorCodes, isAppError, type Logger, NotFoundError } from "@spa-bff/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { AuditEvents, audit } from "./audit.ts";
import { createOidcClient } from "./auth/oidc-client.ts";
import type { BffConfig } from "./config.ts";
import type { Files } from "./files/create-files.ts";
import { clearCookie, SESSION_COOKIE } from "./http/cookies.ts";
import { securityHeaders } from "./http/headers.ts";
import { createRequestContext, type RequestContext } from "./http/request-context.ts";
import { type BffResult, errorResponse } from "./http/respond.ts";
import { createTokenRefresher } from "./refresh/token-refresher.ts";
import type { BffRoute, BffRuntime, RouteGroup, SessionLayer } from "./runtime.ts";
import type { Sealer, SessionService } from "./session/types.ts";

/** Seams for tests, the local platform and benchmarks; anything left out is built from the config. */
export interface BffDeps {
  sessions: SessionService;
  sealer: Sealer;
  /** Fetch for the private API. */
  fetch: typeof fetch;
  /** Fetch for the IdP (discovery, token, revocation). */
  oidcFetch: typeof fetch;
  /** Epoch seconds. */
  now: () => number;
  logger: Logger;
  /** The Cognito API client of the branded sign-in (`LOGIN_MODE=branded`); by default one in the user pool's region. */
  cognito: Pick<CognitoIdentityProviderClient, "send">;
  /** File storage and the credentials provider of the `/files` routes (built from `config.files` when left out). */
  files: Files;
}

/** The function URL handler (payload 2.0). */
export type BffHandler = (event: APIGatewayProxyEventV2, context?: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Builds a BFF handler that serves the given route groups, routed by
 * `@middy/http-router`, with security headers and the one error-to-response
 * mapping applied to every answer. Each deployed function gets only its own
 * groups (lambda-auth.ts, lambda-api.ts, lambda-files.ts), so its bundle
 * carries no other route's code; `createBffHandler` serves them all.
 */
export function createRoutedHandler(config: BffConfig, deps: Partial<BffDeps>, groups: readonly RouteGroup[]): BffHandler {
  const logger = deps.logger ?? createLogger("bff");
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const runtime: BffRuntime = {
    config,
    logger,
    now,
    sessionLayer: lazySessionLayer(config, deps, logger),
    oidc: createOidcClient(config, {
      ...(deps.oidcFetch ? { fetch: deps.oidcFetch } : {}),
      timeoutSeconds: Math.max(1, Math.floor(config.upstreamTimeoutMs / 1000)),
    }),
    upstreamFetch: deps.fetch ?? fetch,
  };
  const ensureFresh = createTokenRefresher({
    sessions: async () => (await runtime.sessionLayer()).sessions,
    oidc: runtime.oidc,
    logger,
    skewSeconds: config.refreshSkewSeconds,
  });

  const contexts = new WeakMap<APIGatewayProxyEventV2, RequestContext>();
  const route = (method: Method, path: string, fn: BffRoute["handler"]): Route<APIGatewayProxyEventV2, BffResult> => ({
    method,
    path,
    handler: async (event: APIGatewayProxyEventV2) => {
      const ctx = contexts.get(event);
      if (!ctx) throw new Error("request context missing");
      return fn(ctx);
    },
  });
  const router = httpRouterHandler<APIGatewayProxyEventV2, BffResult>({
    routes: groups.flatMap((group) => group(runtime, ensureFresh, deps)).map((r: BffRoute) => route(r.method, r.path, r.handler)),
    notFoundResponse: () => {
      throw new NotFoundError("No such route");
    },
  });

  const finish = (ctx: RequestContext, result: BffResult): BffResult => {
    const noStore = ctx.rawPath.startsWith("/auth/") || result.statusCode === undefined || result.statusCode >= 400;
    const headers: Record<string, string> = { ...(result.headers ?? {}), ...securityHeaders(noStore) };
    // A proxied success keeps the API's caching decision (callUpstream defaults it to no-store).
    if (!noStore && result.headers?.["cache-control"]) headers["cache-control"] = result.headers["cache-control"];
    const cookies = [...ctx.responseCookies, ...(result.cookies ?? [])];
    return { ...result, headers, ...(cookies.length > 0 ? { cookies } : {}) };
  };

  const http: middy.MiddlewareObj<APIGatewayProxyEventV2, BffResult> = {
    before: (request) => {
      const ctx = createRequestContext(request.event, request.context?.awsRequestId, now(), logger);
      contexts.set(request.event, ctx);
      // A function URL always sends a path; the router throws a plain Error on
      // an empty one, which would surface as a 500 instead of "no such route".
      if (!request.event.rawPath?.startsWith("/")) throw new NotFoundError("No such route");
    },
    after: (request) => {
      const ctx = contexts.get(request.event);
      if (ctx && request.response) request.response = finish(ctx, request.response);
    },
    onError: (request) => {
      const ctx = contexts.get(request.event) ?? createRequestContext(request.event, undefined, now(), logger);
      const error = request.error;
      if (isAppError(error) && (error.code === ErrorCodes.csrf || error.code === ErrorCodes.crossSite)) {
        audit(logger, AuditEvents.csrfRefused, { reason: error.code, requestId: ctx.requestId });
      }
      // A session that is gone (unknown, expired, refused refresh) loses its cookie; an outage (503) keeps it.
      if (isAppError(error) && error.status === 401 && ctx.cookies.has(SESSION_COOKIE)) {
        ctx.responseCookies.push(clearCookie(SESSION_COOKIE));
      }
      request.response = finish(ctx, errorResponse(error, logger, ctx.logFields));
    },
  };

  const handler = middy<APIGatewayProxyEventV2, BffResult>().use(http).handler(router);
  return async (event, context) => (await handler(event, context ?? ({} as Context))) as APIGatewayProxyStructuredResultV2;
}

/** The real session layer, built on the first request that needs it, unless the caller injected one. */
function lazySessionLayer(config: BffConfig, deps: Partial<BffDeps>, logger: Logger): () => Promise<SessionLayer> {
  let layer: Promise<SessionLayer> | undefined;
  return () => {
    layer ??= buildSessionLayer(config, deps, logger).catch((error: unknown) => {
      layer = undefined;
      throw error;
    });
    return layer;
  };
}

async function buildSessionLayer(config: BffConfig, deps: Partial<BffDeps>, logger: Logger): Promise<SessionLayer> {
  const session = await import("./session/index.ts");
  let sealer = deps.sealer;
  if (!sealer) {
    const keyProvider =
      config.keyProvider.kind === "kms"
        ? session.createKmsKeyProvider({
            client: new (await import("./session/kms-sdk.ts")).KMSClient(config.region ? { region: config.region } : {}),
            keyId: config.keyProvider.keyId,
          })
        : session.createLocalKeyProvider({ file: config.keyProvider.file });
    sealer = session.createSealer(keyProvider);
  }
  const sessions =
    deps.sessions ??
    session.createSessionService({
      dynamodb: new DynamoDBClient({
        ...(config.region ? { region: config.region } : {}),
        ...(config.dynamodbEndpoint
          ? {
              endpoint: config.dynamodbEndpoint,
              region: config.region ?? "local",
              credentials: { accessKeyId: "local", secretAccessKey: "local" },
            }
          : {}),
      }),
      tableName: config.sessionTable,
      sealer,
      policy: config.session,
      logger,
    });
  return { sessions, sealer };
}
