import { functions } from "@spa-bff/core/infra";
import type { Platform } from "@spa-bff/local";
import { round } from "../lib/stats.ts";
import type { PoolRunFigures, PoolWatch } from "./measure-load.ts";

/** Counts what the platform's BFF `/api` pool does during one load run: cold starts, throttles, instances, refresh grants. */
export function poolWatch(platform: Platform): PoolWatch {
  const name = functions.bffApi.name;
  return () => {
    let coldStarts = 0;
    let throttles = 0;
    const off = platform.onFunctionEvent((event) => {
      if (event.functionName !== name) return;
      if (event.type === "cold-start") coldStarts += 1;
      if (event.type === "throttled") throttles += 1;
    });
    const before = platform.functionStats().bffApi;
    const grantsBefore = platform.parts.idp.grantCount("refresh_token");
    return {
      stop(): PoolRunFigures {
        off();
        return {
          warmInstances: before?.instances ?? 0,
          instancesStarted: (platform.functionStats().bffApi?.instancesStarted ?? 0) - (before?.instancesStarted ?? 0),
          coldStarts,
          throttles,
          refreshGrants: platform.parts.idp.grantCount("refresh_token") - grantsBefore,
        };
      },
    };
  };
}

/** The memory seen inside the warm instances of one function (MiB): V8 heap per instance, RSS of the whole platform process. */
export interface InstanceMemoryFigures {
  instances: number;
  /** Median and largest V8 heap in use across the warm instances (each a worker thread with its own isolate). */
  heapUsedP50Mb: number;
  heapUsedMaxMb: number;
  /** The heap V8 had reserved for the median instance. */
  heapTotalP50Mb: number;
  /** Outside the V8 heap but owned by the instance (Buffers, ArrayBuffers). */
  externalP50Mb: number;
  /** The whole platform process (every instance, the edge, the gateway, dynalite): an upper bound, not one instance's. */
  processRssMb: number;
}

const mib = (bytes: number) => round(bytes / 1024 / 1024, 1);

/** Asks every warm instance of the function for its memory, after the load run. */
export async function measureInstanceMemory(platform: Platform, id: "bffApi"): Promise<InstanceMemoryFigures> {
  const all = await platform.functionMemory(id);
  const median = <T>(values: T[], of: (value: T) => number) => {
    const sorted = values.map(of).sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
  };
  return {
    instances: all.length,
    heapUsedP50Mb: mib(median(all, (m) => m.usedHeapBytes)),
    heapUsedMaxMb: mib(Math.max(...all.map((m) => m.usedHeapBytes))),
    heapTotalP50Mb: mib(median(all, (m) => m.totalHeapBytes)),
    externalP50Mb: mib(median(all, (m) => m.externalBytes)),
    processRssMb: mib(Math.max(...all.map((m) => m.processRssBytes))),
  };
}

/**
 * Starts instances until each function has `count`, two at a time: dozens of
 * concurrent inits (each instance loads its own module graph through tsx) on a
 * small machine would pass Lambda's 10 s init limit.
 */
export async function provisionGradually(
  platform: Platform,
  ids: readonly ("bffApi" | "items" | "authorizer")[],
  count: number,
): Promise<void> {
  for (const id of ids) {
    for (;;) {
      const alive = platform.functionStats()[id]?.instances ?? 0;
      if (alive >= count) break;
      await platform.provision([id], Math.min(2, count - alive));
    }
  }
}
