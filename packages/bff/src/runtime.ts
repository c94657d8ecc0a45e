import type { Method } from "@middy/http-router";
import type { Logger } from "@spa-bff/core";
import type { OidcClient } from "./auth/oidc-client.ts";
import type { BffConfig } from "./config.ts";
import type { RequestContext } from "./http/request-context.ts";
import type { BffResult } from "./http/respond.ts";
import type { EnsureFresh } from "./refresh/token-refresher.ts";
import type { BffDeps } from "./routed-handler.ts";
import type { Sealer, SessionService } from "./session/types.ts";

/** The session layer, built on first use (a local key file or KMS client is not needed before). */
export interface SessionLayer {
  sessions: SessionService;
  sealer: Sealer;
}

/** Everything a route uses besides the request; one per handler instance. */
export interface BffRuntime {
  config: BffConfig;
  logger: Logger;
  /** Epoch seconds. */
  now: () => number;
  sessionLayer: () => Promise<SessionLayer>;
  oidc: OidcClient;
  /** Fetch for the private API. */
  upstreamFetch: typeof fetch;
}

/** One route: method and path as @middy/http-router matches them, and what answers. */
export interface BffRoute {
  method: Method;
  path: string;
  handler: (ctx: RequestContext) => Promise<BffResult> | BffResult;
}

/** A group of routes that one deployed function serves (auth, api, files). */
export type RouteGroup = (runtime: BffRuntime, ensureFresh: EnsureFresh, deps: Partial<BffDeps>) => BffRoute[];
