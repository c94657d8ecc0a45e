import { join } from "node:path";
import { type FunctionId, functions } from "@spa-bff/core/infra";
import type { Invoke } from "./in-process.ts";
import { createFunctionPool, type FunctionPool, type PoolStats } from "./pool.ts";
import type { PoolEvent } from "./pool-events.ts";
import type { InstanceMemory } from "./protocol.ts";

/** How the local platform runs its functions: how many instances each may have, and when an idle one retires. */
export interface LocalFunctionLimits {
  /** The most instances per function at once (Lambda's reserved concurrency); default 10. */
  maxConcurrency?: number;
  /** An instance idle this long is retired; default 5 minutes. */
  idleTimeoutMs?: number;
  /** Test overrides of the deployed timeouts, by function. */
  timeoutMs?: Partial<Record<FunctionId, number>>;
}

/** The functions the local platform runs, each as a pool of Lambda-like instances. */
export interface LocalFunctions {
  invoke(id: FunctionId): Invoke;
  /** Starts `count` instances of a function ahead of any call (provisioned concurrency): the next calls are warm. */
  provision(id: FunctionId, count?: number): Promise<void>;
  /** Every pool's events (cold starts, invocations, throttles, timeouts, retirements), for the console. */
  onEvent(listener: (event: PoolEvent) => void): () => void;
  stats(): Partial<Record<FunctionId, PoolStats>>;
  /** The memory of each warm instance of a function (none when it has no idle instance). */
  memory(id: FunctionId, options?: { collect?: boolean }): Promise<InstanceMemory[]>;
  stop(): Promise<void>;
}

/**
 * Starts a pool for each given function of the shared declaration: its
 * entry, memory size and timeout as the stacks deploy it, and the
 * environment the platform gives it (its configuration and its role's
 * credentials, as Lambda hands them over). Nothing runs until the first call.
 *
 * @example
 * const local = startLocalFunctions(root, { bffApi: bffEnv, authorizer: authorizerEnv }, { maxConcurrency: 20 });
 * await local.invoke("bffApi")(functionUrlEvent);
 */
export function startLocalFunctions(
  repoRoot: string,
  environments: Partial<Record<FunctionId, Record<string, string>>>,
  limits: LocalFunctionLimits = {},
): LocalFunctions {
  const pools = new Map<FunctionId, FunctionPool>();
  const listeners = new Set<(event: PoolEvent) => void>();
  for (const [id, env] of Object.entries(environments) as [FunctionId, Record<string, string>][]) {
    const spec = functions[id];
    const pool = createFunctionPool({
      name: spec.name,
      entry: join(repoRoot, spec.entry),
      env,
      memoryMb: spec.memoryMb,
      timeoutMs: limits.timeoutMs?.[id] ?? spec.timeoutSeconds * 1000,
      maxConcurrency: limits.maxConcurrency ?? 10,
      idleTimeoutMs: limits.idleTimeoutMs ?? 5 * 60_000,
    });
    pool.onEvent((event) => {
      for (const listener of listeners) listener(event);
    });
    pools.set(id, pool);
  }
  return {
    invoke: (id) => {
      const pool = pools.get(id);
      if (!pool) throw new Error(`The local platform does not run the function "${id}"`);
      return (event, options) => pool.invoke(event, options);
    },
    provision: async (id, count = 1) => {
      await pools.get(id)?.provision(count);
    },
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stats: () => Object.fromEntries([...pools].map(([id, pool]) => [id, pool.stats()])),
    memory: async (id, options) => (await pools.get(id)?.memory(options)) ?? [],
    stop: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.stop()));
    },
  };
}
