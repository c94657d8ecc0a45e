import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { treeCpuMs } from "../lib/process-cpu.ts";
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
  /**
   * CPU milliseconds per request of each process on the path and of the load
   * generator, over the run and its warm-up (Linux only). On two cores they
   * share, their sum is what bounds the rps.
   */
  cpuMsPerRequest?: Record<string, number>;
}

export interface LoadTarget {
  url: string;
  headers: Record<string, string>;
  /** The servers on the path, by name, whose CPU per request the run reports (each with its child processes). */
  servers?: Record<string, number>;
}

/** The names of the processes in {@link LoadFigures.cpuMsPerRequest}. */
export const loadGenerator = "load generator";
/** The bench's own process: dynalite and its IAM front, the API's gateway, authorizer and items function (and, for `npm start`, the pools). */
export const platformProcess = "platform";
/** The process of the local edge and the BFF (the BFF's Lambda). */
export const edgeAndBff = "edge + BFF";
/** Apache with mod_auth_openidc and its worker processes. */
export const apacheProcess = "Apache";

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
  const servers = target.servers ?? {};
  const before = await treeCpuMs(servers);
  const run = await runNode([child, file]);
  const after = await treeCpuMs(servers);
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
    warmupTotal: number;
    cpuMs: number;
  };
  // The servers worked for the warm-up too, so their CPU is shared over every request of both.
  const served = Math.max(1, raw.total + raw.warmupTotal);
  const cpuMsPerRequest: Record<string, number> = {};
  for (const [name, cpuMs] of Object.entries(after)) {
    const start = before[name];
    if (start !== undefined) cpuMsPerRequest[name] = round((cpuMs - start) / served, 3);
  }
  if (Object.keys(cpuMsPerRequest).length > 0) cpuMsPerRequest[loadGenerator] = round(raw.cpuMs / served, 3);
  return {
    rps: Math.round(raw.rps),
    p50Ms: round(raw.p50Ms, 2),
    p90Ms: round(raw.p90Ms, 2),
    p99Ms: round(raw.p99Ms, 2),
    errors: raw.non2xx + raw.errors + raw.timeouts,
    requests: raw.total,
    ...(Object.keys(cpuMsPerRequest).length > 0 ? { cpuMsPerRequest } : {}),
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
  return {
    bff: viaBff,
    upstream: direct,
    addedP50Ms: added(viaBff),
    latencyRatio: round(viaBff.p50Ms / Math.max(direct.p50Ms, 0.001), 2),
  };
}

/** One run through the platform's own edge and pools, with what the BFF's pool did during it. */
export async function loadPooled(
  target: LoadTarget,
  watch: PoolWatch,
  connections: number,
  seconds: number,
  workDir: string,
): Promise<NonNullable<LoadPair["pooled"]>> {
  const watching = watch();
  const figures = await loadOnce(target, connections, seconds, workDir);
  return { ...figures, pool: watching.stop() };
}
