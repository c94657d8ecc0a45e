import { performance } from "node:perf_hooks";
import { createAccessTokenVerifier, createAuthorizerHandler, LoopbackFetcher, loadAuthorizerConfig } from "@spa-bff/authorizer";
import { authorizerEvent } from "../lib/events.ts";
import { summarize } from "../lib/stats.ts";

export interface AuthorizerWarmInput {
  issuer: string;
  clientIds: string;
  accessToken: string;
  calls: number;
}

export interface AuthorizerWarmResult {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** JWKS (and discovery) fetches per 1000 warm calls. */
  jwksFetchesPer1000: number;
  networkCallsPer1000: number;
  /** Fetches made at cold start (discovery + JWKS), before the first call. */
  coldFetches: Record<string, number>;
  calls: number;
  allowed: number;
}

/**
 * The authorizer as its Lambda entry builds it (verifier created and hydrated
 * once), with a fetcher that counts every JWKS or discovery request, then
 * warm verifications of a real token from the local IdP.
 */
export async function measureAuthorizerWarm(input: AuthorizerWarmInput): Promise<AuthorizerWarmResult> {
  const fetched: Record<string, number> = {};
  const inner = new LoopbackFetcher();
  const fetcher = {
    fetch: (uri: string) => {
      const path = new URL(uri).pathname;
      fetched[path] = (fetched[path] ?? 0) + 1;
      return inner.fetch(uri);
    },
  };
  const config = loadAuthorizerConfig({ JWT_ISSUER: input.issuer, JWT_CLIENT_IDS: input.clientIds });
  const verifier = await createAccessTokenVerifier(config, { fetcher });
  await verifier.hydrate();
  const coldFetches = { ...fetched };
  const authorize = createAuthorizerHandler(config, { verifier });

  const event = authorizerEvent(input.accessToken);
  for (let i = 0; i < 200; i += 1) await authorize(event);
  for (const key of Object.keys(fetched)) delete fetched[key];
  let allowed = 0;
  const latencies: number[] = [];
  for (let i = 0; i < input.calls; i += 1) {
    const start = performance.now();
    const result = await authorize(event);
    latencies.push(performance.now() - start);
    if (result.policyDocument.Statement.some((statement) => statement.Effect === "Allow")) allowed += 1;
  }
  const jwks = Object.entries(fetched).reduce((sum, [path, count]) => sum + (path.includes("jwks") ? count : 0), 0);
  const network = Object.values(fetched).reduce((sum, count) => sum + count, 0);
  const latency = summarize(latencies);
  return {
    p50Ms: latency.p50Ms,
    p90Ms: latency.p90Ms,
    p99Ms: latency.p99Ms,
    jwksFetchesPer1000: (jwks * 1000) / input.calls,
    networkCallsPer1000: (network * 1000) / input.calls,
    coldFetches,
    calls: input.calls,
    allowed,
  };
}
