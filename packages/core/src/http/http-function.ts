import middy from "@middy/core";
import httpRouterHandler from "@middy/http-router";
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from "aws-lambda";
import { FunctionTimeoutError, MethodNotAllowedError, NotFoundError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { errorResponse } from "./error-response.ts";
import type { HttpResponse } from "./response.ts";
import { allowedMethods, type RouteKey } from "./route-table.ts";

/** What every request scope carries: built once per request, read by routes and by the shell. */
export interface HttpScope {
  /** `/…`, the path the router matches; anything else is a 404 before routing. */
  readonly path: string;
  readonly requestId: string;
  /** Fields every log line of this request carries (request id, a session hash). */
  readonly logFields: Record<string, string>;
}

/** One route: its method, its path template and what answers, given the request scope. */
export interface HttpRoute<S extends HttpScope> extends RouteKey {
  handler(scope: S): Promise<HttpResponse> | HttpResponse;
}

export interface HttpFunctionOptions<E, S extends HttpScope, R extends HttpResponse> {
  logger: Logger;
  routes: readonly HttpRoute<S>[];
  /** Parses the event into the request scope; no I/O, never throws. */
  scope(event: E, context: Context): S;
  /** Shapes every answer, success or error, before it leaves (security headers, cookies). */
  finish(scope: S, response: HttpResponse, error: unknown): R;
  /** Sees every error before it becomes a response (an audit line, a cookie to clear). */
  onError?(scope: S, error: unknown): void;
}

/** How long before the invocation's deadline a request gives up with {@link FunctionTimeoutError}. */
export const deadlineMarginMs = 200;

/** The Lambda context with the request scope on it: middy's convention for what middlewares hand to handlers. */
type ScopedContext<S> = Context & { httpScope?: S };

/**
 * The HTTP shell every function shares (the BFF's route groups, the items
 * API): @middy/http-router dispatches to the routes; one middleware builds
 * the request scope and puts it on the request's context, shapes every
 * answer, and turns every error into a response in one place
 * ({@link errorResponse}). A path served with other methods answers 405
 * with `Allow`; an unknown path 404.
 *
 * @example
 * export const handler = createHttpFunction({ logger, routes, scope: (event) => parse(event), finish: (_s, r) => r });
 */
export function createHttpFunction<E extends APIGatewayProxyEvent | APIGatewayProxyEventV2, S extends HttpScope, R extends HttpResponse>(
  options: HttpFunctionOptions<E, S, R>,
): (event: E, context?: Context) => Promise<R> {
  const { logger, routes } = options;
  const scopeOf = (context: Context): S => {
    const scope = (context as ScopedContext<S>).httpScope;
    if (!scope) throw new Error("request scope missing");
    return scope;
  };
  // The router's result type is API Gateway's; every route answers an HttpResponse, which the shell shapes.
  const router = httpRouterHandler<E, { statusCode: number; body: string }>({
    routes: routes.map((route) => ({
      method: route.method,
      path: route.path,
      handler: async (_event: E, context: Context) => (await route.handler(scopeOf(context))) as { statusCode: number; body: string },
    })),
    notFoundResponse: ({ path }) => {
      const allowed = allowedMethods(routes, path);
      throw allowed.length > 0 ? new MethodNotAllowedError(allowed) : new NotFoundError("No such route");
    },
  });

  const shell: middy.MiddlewareObj<E, HttpResponse, Error, ScopedContext<S>> = {
    before: (request) => {
      const scope = options.scope(request.event, request.context);
      request.context.httpScope = scope;
      // The router throws a plain Error on an empty path, which would surface as a 500 instead of "no such route".
      if (!scope.path.startsWith("/")) throw new NotFoundError("No such route");
    },
    after: (request) => {
      const scope = request.context.httpScope;
      if (scope && request.response) request.response = options.finish(scope, request.response, undefined);
    },
    onError: (request) => {
      const scope = request.context.httpScope ?? options.scope(request.event, request.context);
      options.onError?.(scope, request.error);
      request.response = options.finish(scope, errorResponse(request.error, logger, scope.logFields), request.error);
    },
  };

  const handler = middy<E, HttpResponse, Error, ScopedContext<S>>({
    // Give up this long before Lambda's deadline, leaving time to log and answer: a clear 504 instead of
    // middy's anonymous TimeoutError (a 500) or, past the deadline, the function URL's bare 502.
    timeoutEarlyInMillis: deadlineMarginMs,
    timeoutEarlyResponse: () => {
      throw new FunctionTimeoutError();
    },
  })
    .use(shell)
    .handler(router as unknown as (event: E, context: ScopedContext<S>) => Promise<HttpResponse>);
  return async (event, context) => (await handler(event, (context ?? {}) as ScopedContext<S>)) as R;
}
