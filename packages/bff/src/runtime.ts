import type { Logger } from "@spa-bff/core";
import type { OidcClient } from "./auth/oidc-client.ts";
import type { BffConfig } from "./config.ts";
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
