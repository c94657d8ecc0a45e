import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runNode } from "../lib/spawn-node.ts";
import { round } from "../lib/stats.ts";

const child = fileURLToPath(new URL("./load-child.mjs", import.meta.url));

/** One load run: autocannon's figures; `errors` counts non-2xx answers, socket errors and timeouts together. */
export interface LoadFigures {
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  errors: number;
  requests: number;
}

export interface LoadTarget {
  url: string;
  headers: Record<string, string>;
}

/**
 * Runs autocannon against one target at a concurrency for `seconds`, in a
 * child process. `workDir` holds the options file (owner-only: it carries
 * credentials).
 */
export async function loadOnce(target: LoadTarget, connections: number, seconds: number, workDir: string): Promise<LoadFigures> {
  const file = join(workDir, `load-${connections}-${Date.now()}.json`);
  await writeFile(file, JSON.stringify({ url: target.url, headers: target.headers, connections, duration: seconds, timeout: 10 }), {
    mode: 0o600,
  });
  const run = await runNode([child, file]);
  const line = run.stdout.trim().split("\n").pop() ?? "";
  if (run.code !== 0 || !line.startsWith("{"))
    throw new Error(`autocannon failed (exit ${run.code}): ${run.stderr.trim().split("\n").slice(-5).join(" ")}`);
  const raw = JSON.parse(line) as {
    rps: number;
    total: number;
    p50Ms: number;
    p90Ms: number;
    p99Ms: number;
    non2xx: number;
    errors: number;
    timeouts: number;
  };
  return {
    rps: Math.round(raw.rps),
    p50Ms: round(raw.p50Ms, 2),
    p90Ms: round(raw.p90Ms, 2),
    p99Ms: round(raw.p99Ms, 2),
    errors: raw.non2xx + raw.errors + raw.timeouts,
    requests: raw.total,
  };
}

export interface LoadPair {
  /** Through the edge to the BFF in its own process (as in AWS, where the BFF is its own Lambda), then to the API. */
  bff: LoadFigures;
  /** The API (local gateway: authorizer + items on dynalite) directly, with the user's bearer token. */
  upstream: LoadFigures;
  /** BFF p50 minus upstream p50 minus one GetItem's p50: what the BFF itself adds. */
  addedP50Ms: number;
  /** BFF p50 over upstream p50. */
  latencyRatio: number;
  /**
   * Through the platform's own edge as `npm start` runs it: every function in
   * its pool of worker-thread instances (one request each), the edge, the
   * gateway and dynalite on the platform's main thread, one process. Its
   * upstream is the platform's pooled gateway, not the direct run's, so it
   * has no added latency figure.
   */
  pooled?: LoadFigures & { pool: PoolRunFigures };
}

/** What the BFF's `/api` pool did during one run. */
export interface PoolRunFigures {
  /** Instances at the start of the run (provisioned ahead, so the run is warm). */
  warmInstances: number;
  instancesStarted: number;
  coldStarts: number;
  throttles: number;
  /** Refresh-token grants at the IdP during the run: 0 while alice's access token is fresh. */
  refreshGrants: number;
}

/** Watches the pool during one run; `stop()` returns what happened since it was made. */
export type PoolWatch = () => { stop(): PoolRunFigures };

export interface LoadTargets {
  bff: LoadTarget;
  upstream: LoadTarget;
  pooled?: { target: LoadTarget; watch: PoolWatch; maxConnections: number };
}

/** The BFF path and the upstream alone, one after the other in the same run, at one concurrency. */
export async function loadPair(
  targets: LoadTargets,
  connections: number,
  seconds: number,
  getItemP50Ms: number,
  workDir: string,
): Promise<LoadPair> {
  const viaBff = await loadOnce(targets.bff, connections, seconds, workDir);
  const direct = await loadOnce(targets.upstream, connections, seconds, workDir);
  const added = (figures: LoadFigures) => round(figures.p50Ms - direct.p50Ms - getItemP50Ms, 2);
  const pair: LoadPair = {
    bff: viaBff,
    upstream: direct,
    addedP50Ms: added(viaBff),
    latencyRatio: round(viaBff.p50Ms / Math.max(direct.p50Ms, 0.001), 2),
  };
  const pooled = targets.pooled;
  if (pooled && connections <= pooled.maxConnections) {
    const watch = pooled.watch();
    const figures = await loadOnce(pooled.target, connections, seconds, workDir);
    pair.pooled = { ...figures, pool: watch.stop() };
  }
  return pair;
}
