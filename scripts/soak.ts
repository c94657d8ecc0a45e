/**
 * Soak: 50,000 authenticated `GET /api/items` through the local edge at
 * concurrency 16, with exactly one session refresh in the middle. The BFF,
 * the authorizer and the items API run as Lambda runs them, in the
 * platform's instance pools (one request per instance, a pool as large as
 * the concurrency, provisioned first), so every BFF instance serves
 * thousands of requests; the leak check reads each instance's own heap.
 *
 * The refresh is forced, not timed: when half the requests have answered,
 * the stored access token's expiry is set to now (through the session layer,
 * as a token nearing its end would look), so the next request refreshes it
 * once and every later one uses the new token, however fast this machine is.
 *
 * Memory is judged twice, after a full GC on both sides. Live JS memory
 * (heap used + external) is the precise leak signal, per BFF instance (each
 * its own V8 isolate, collected in place) and for this process (the edge,
 * the gateway, the IdP and dynalite): its bound is tight. The process's rss
 * (every thread's) is the
 * backstop for native memory, but the allocator keeps or returns pages on its
 * own: with a flat heap, rss moved between -26 and +38 MB over six runs, so
 * its bound is wide (it still catches a leak of the size the soak once found,
 * about 240 MB).
 *
 * Ends with one line: `soak: N requests, E errors, R refreshes, rss +X MB`.
 * Exits non-zero when E > 0, R != 1, or a memory bound is exceeded.
 *
 * Usage: npm run soak [-- --requests 50000 --connections 32 --warmup 10000 --max-rss-mb 64 --max-heap-mb 8]
 */
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// Quiet logs before any logger is built: the soak judges by its counters.
process.env.LOG_LEVEL ??= "ERROR";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "50000" },
    connections: { type: "string", default: "16" },
    warmup: { type: "string", default: "10000" },
    "max-rss-mb": { type: "string", default: "64" },
    "max-heap-mb": { type: "string", default: "8" },
  },
});
const total = Number(values.requests);
const connections = Number(values.connections);
const warmup = Number(values.warmup);
const maxRssMb = Number(values["max-rss-mb"]);
const maxHeapMb = Number(values["max-heap-mb"]);

/** A full GC when it can be had (`--expose-gc`, or the V8 flag set at run time), so rss compares live memory. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as (() => void) | undefined;
  return gc ?? (() => undefined);
}

const mb = (bytes: number) => (bytes / 1048576).toFixed(1);

/**
 * Waits out the BFF's upstream timeout before a reading: each proxied call's
 * `AbortSignal.timeout` timer keeps that request's objects reachable until it
 * fires, which is bounded, not a leak. Then collects, so rss compares live memory.
 */
async function settle(gc: () => void, quietMs: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, quietMs));
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().rss;
}

type AutocannonResult = {
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: { total: number; average: number };
  latency: { p99: number };
};
type AutocannonInstance = NodeJS.EventEmitter & { stop(): void };
type Autocannon = (options: Record<string, unknown>, done: (error: Error | null, result: AutocannonResult) => void) => AutocannonInstance;

async function main(): Promise<number> {
  const gc = collector();
  const { default: autocannon } = (await import("autocannon")) as unknown as { default: Autocannon };
  const { startTestPlatform } = await import("@spa-bff/local/testing");
  const { Browser, login, spaHeaders } = await import("../test/support/browser.ts");

  // One instance per connection, plus a few for autocannon's stragglers between runs, as Lambda would scale out.
  const tp = await startTestPlatform({ platform: { authorizerCacheTtlSeconds: 300, functions: { maxConcurrency: connections + 4 } } });
  try {
    // Provisioned, a few at a time: the soak measures warm instances, not a storm of cold starts.
    for (let started = 0; started < connections; started += 4) await tp.platform.provision(["bffApi", "authorizer", "items"], 4);
    const { sessionId } = await login(tp, new Browser(), "alice");
    const headers = { ...spaHeaders(tp.app), cookie: `__Host-session=${sessionId}` };
    const url = `${tp.app.replace("localhost", "127.0.0.1")}/api/items`;
    const idp = tp.platform.parts.idp;

    const run = (amount: number, onResponse?: (count: number) => void) =>
      new Promise<AutocannonResult>((resolve, reject) => {
        let count = 0;
        const instance = autocannon(
          { url, connections, amount, headers: { ...headers, host: new URL(tp.app).host }, timeout: 30 },
          (error, result) => (error ? reject(error) : resolve(result)),
        );
        if (onResponse) instance.on("response", () => onResponse(++count));
      });

    // Warm-up: JIT, key caches, sockets, the authorizer cache; not counted.
    const warm = await run(warmup);
    if (warm.errors + warm.timeouts + warm.non2xx > 0) throw new Error(`warm-up failed: ${warm.non2xx} non-2xx, ${warm.errors} errors`);
    const rssBefore = await settle(gc, tp.config.upstreamTimeoutMs + 1000);
    const heapBefore = process.memoryUsage();
    const instancesBefore = await tp.platform.functionMemory("bffApi", { collect: true });
    const refreshesBefore = idp.grantCount("refresh_token");

    let expiry: Promise<void> | undefined;
    const forceExpiry = async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const now = Math.floor(Date.now() / 1000);
        const session = await tp.sessions.get(sessionId, now);
        if (!session) throw new Error("the soak session is gone");
        const result = await tp.sessions.updateTokens(session, { ...session.tokens, accessTokenExpiresAt: now }, now);
        if (result.ok) return;
      }
      throw new Error("could not force the access token's expiry");
    };
    const started = Date.now();
    const result = await run(total, (count) => {
      if (count === Math.floor(total / 2)) expiry = forceExpiry();
    });
    await expiry;
    const seconds = (Date.now() - started) / 1000;
    const rssAfter = await settle(gc, tp.config.upstreamTimeoutMs + 1000);
    const heapAfter = process.memoryUsage();
    const instancesAfter = await tp.platform.functionMemory("bffApi", { collect: true });
    // Growth of each BFF instance that served the whole run (heap used + external, after a GC in it).
    const instanceLive = (memory: (typeof instancesAfter)[number]) => memory.usedHeapBytes + memory.externalBytes;
    const instanceGrowthMb = instancesAfter.flatMap((after) => {
      const before = instancesBefore.find((memory) => memory.instanceId === after.instanceId);
      return before ? [(instanceLive(after) - instanceLive(before)) / (1024 * 1024)] : [];
    });
    const worstInstanceMb = Math.max(...instanceGrowthMb);

    const errors = result.errors + result.timeouts + result.non2xx;
    const refreshes = idp.grantCount("refresh_token") - refreshesBefore;
    const growthMb = (rssAfter - rssBefore) / (1024 * 1024);
    const live = (usage: NodeJS.MemoryUsage) => usage.heapUsed + usage.external;
    const heapGrowthMb = (live(heapAfter) - live(heapBefore)) / (1024 * 1024);
    console.log(
      `soak detail: ${(total / seconds).toFixed(0)} req/s over ${seconds.toFixed(1)} s, p99 ${result.latency.p99} ms, ` +
        `rss ${(rssBefore / 1048576).toFixed(1)} -> ${(rssAfter / 1048576).toFixed(1)} MB (bound +${maxRssMb} MB), ` +
        `heap ${mb(heapBefore.heapUsed)} -> ${mb(heapAfter.heapUsed)} MB, external ${mb(heapBefore.external)} -> ${mb(heapAfter.external)} MB ` +
        `(heap + external ${heapGrowthMb >= 0 ? "+" : ""}${heapGrowthMb.toFixed(1)} MB, bound +${maxHeapMb} MB), ` +
        `${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts, ` +
        `${instanceGrowthMb.length} BFF instances throughout, the most grown +${worstInstanceMb.toFixed(1)} MB (bound +${maxHeapMb} MB)`,
    );
    console.log(
      `soak: ${result.requests.total} requests, ${errors} errors, ${refreshes} refreshes, rss ${growthMb >= 0 ? "+" : ""}${growthMb.toFixed(1)} MB`,
    );
    // Every BFF instance must have served throughout and stayed flat; fewer than half would mean the pool churned.
    const instancesFlat = instanceGrowthMb.length >= connections / 2 && worstInstanceMb <= maxHeapMb;
    const memoryFlat = growthMb <= maxRssMb && heapGrowthMb <= maxHeapMb && instancesFlat;
    return errors === 0 && refreshes === 1 && result.requests.total === total && memoryFlat ? 0 : 1;
  } finally {
    await tp.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`soak failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    process.exit(1);
  },
);
