/**
 * `npm run bench [-- --peer] [-- --quick]`: bundle sizes, cold starts, the
 * warm path of the BFF and the authorizer, load through the local edge (and,
 * with --peer, through Apache + mod_auth_openidc), and a cost model. Prints a
 * table and writes bench/results.json. A benchmark, not a test: it reports
 * every figure and never fails on a timing.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { measureBundles } from "./bundles/measure-bundles.ts";
import { measureColdStarts } from "./cold-start/measure-cold-start.ts";
import { computeCostModel } from "./cost/cost-model.ts";
import { describeMachine } from "./lib/machine.ts";
import { round } from "./lib/stats.ts";
import { edgeAndBff, type LoadPair, loadPair, platformProcess } from "./load/measure-load.ts";
import { measureInstanceMemory, poolWatch, provisionGradually } from "./load/pool-watch.ts";
import { startEdgeProcess } from "./load/start-edge-process.ts";
import { runPeer } from "./peer/run-peer.ts";
import { startBenchGateway } from "./platform/bench-gateway.ts";
import { spaHeaders, startBenchPlatform } from "./platform/bench-platform.ts";
import { formatReport } from "./report/print-report.ts";
import { type BenchResults, checkTargets } from "./report/results.ts";
import { runWarm } from "./warm/run-warm.ts";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const withPeer = args.includes("--peer");
// --quick: a smoke run of every section with short durations; its numbers are not for publishing.
const quick = args.includes("--quick");
const coldStartRuns = quick ? 3 : 15;
const loadSeconds = quick ? 2 : 10;
// Through the platform's pools, every request holds one BFF and one items instance (each a worker thread with its own
// module graph, about 50 MiB): the pooled run stops at 16 connections.
const pooledMaxConnections = 16;
// autocannon's warm-up can leave requests in flight as the measured run opens its connections: a few instances above
// the connections keep those from being throttled (any instance they need is a cold start, which the run records).
const poolHeadroom = 4;
// A quick run's numbers must never replace the published ones.
const outFile = quick ? join(tmpdir(), "spa-bff-bench-results.quick.json") : join(here, "results.json");

// Request logs are not what is measured (the BFF logs nothing on a successful proxy call anyway).
process.env.LOG_LEVEL ??= "WARN";

const step = (message: string) => process.stderr.write(`bench: ${message}\n`);

async function main(): Promise<void> {
  const machine = describeMachine();
  const distDir = await mkdtemp(join(tmpdir(), "spa-bff-bench-dist-"));
  try {
    step("bundling the Lambdas (scripts/build.ts)");
    const bundleFigures = await measureBundles(distDir);

    step("starting the local platform and logging alice in");
    const bench = await startBenchPlatform({ maxConcurrency: pooledMaxConnections + poolHeadroom });
    try {
      step(`cold starts: ${coldStartRuns} fresh processes per Lambda`);
      const coldStart = await measureColdStarts(bench, bundleFigures, coldStartRuns);

      step("warm path: BFF and authorizer in a worker process");
      const warm = await runWarm(bench, {
        requests: quick ? 300 : 3000,
        authorizerCalls: quick ? 300 : 3000,
        rpsSeconds: quick ? 1 : 5,
        rpsConcurrency: 16,
      });

      step("starting the edge + BFF in a process of its own, and its upstream");
      // The same kind of upstream as Apache's: the gateway, the authorizer and the API on one event loop, in this process.
      const gateway = await startBenchGateway({
        issuer: bench.platform.urls.idp,
        clientIds: `${bench.platform.clients.web.clientId},${bench.platform.clients.m2m.clientId}`,
        itemsTable: bench.platform.tables.Items,
        dynamoEndpoint: bench.platform.urls.dynamo,
      });
      const edge = await startEdgeProcess({ ...bench.platform.bffEnv, API_BASE_URL: gateway.url }, bench.workDir).catch(async (error) => {
        await gateway.stop();
        throw error;
      });
      const app = bench.platform.urls.app;
      const targets = {
        bff: {
          url: `${edge.url}/api/items`,
          headers: spaHeaders(edge.url, bench.cookie),
          servers: { [edgeAndBff]: edge.pid, [platformProcess]: process.pid },
        },
        upstream: {
          url: `${gateway.url}/items`,
          headers: { authorization: `Bearer ${bench.accessToken}`, accept: "application/json" },
          servers: { [platformProcess]: process.pid },
        },
        pooled: {
          target: { url: `${app}/api/items`, headers: spaHeaders(app, bench.cookie), servers: { [platformProcess]: process.pid } },
          watch: poolWatch(bench.platform),
          maxConnections: pooledMaxConnections,
        },
      };
      const getItemP50 = warm.bff.getItem.p50Ms;
      const load: Record<string, LoadPair> = {};
      let memory: BenchResults["memory"];
      const plan = [
        { concurrency: 1, seconds: Math.max(2, loadSeconds / 2) },
        { concurrency: 16, seconds: loadSeconds },
        { concurrency: 64, seconds: loadSeconds },
      ];
      try {
        for (const { concurrency, seconds } of plan) {
          step(`load: c${concurrency} for ${seconds} s through the edge, against the API directly, through the platform's pools`);
          // As provisioned concurrency would: the pooled run measures warm instances, and records any cold start it still causes.
          if (concurrency <= pooledMaxConnections) await provisionGradually(bench.platform, ["bffApi", "items", "authorizer"], concurrency);
          load[`c${concurrency}`] = await loadPair(targets, concurrency, seconds, getItemP50, bench.workDir);
        }
        step("memory of the warm BFF /api instances after the load");
        memory = await measureInstanceMemory(bench.platform, "bffApi");
      } finally {
        await edge.stop();
        await gateway.stop();
      }

      let peer: BenchResults["peer"] = { skipped: "not requested (npm run bench -- --peer)" };
      if (withPeer) {
        step("peer: Apache + mod_auth_openidc");
        peer = await runPeer(
          bench,
          plan.filter((level) => level.concurrency > 1),
          getItemP50,
        );
      }

      const costModel = computeCostModel({
        bffOwnMs: Math.max(0, warm.bff.p50Ms - warm.bff.getItem.p50Ms),
        readsPerRequest: warm.bff.perRequest.dynamodb.GetItem ?? 0,
        writesPerRequest: warm.bff.perRequest.dynamodbWrites,
        kmsPerRequest: warm.bff.perRequest.kms,
        readUnitsPerRead: warm.bff.readUnitsPerRead,
        authorizerMs: warm.authorizer.p50Ms,
      });
      const bundles = Object.fromEntries(
        Object.entries(bundleFigures).map(([name, { file: _file, ...figures }]) => [name, figures]),
      ) as BenchResults["bundles"];
      const partial = {
        machine,
        options: { coldStartRuns, loadSeconds, peer: withPeer, pooledMaxConnections },
        bundles,
        coldStart,
        warm,
        load,
        memory,
        peer,
        costModel,
      };
      const results: BenchResults = { ...partial, targets: checkTargets(partial) };
      await writeFile(outFile, `${JSON.stringify(results, null, 2)}\n`);
      process.stdout.write(
        `${formatReport(results)}\n\nwrote ${outFile.replace(`${dirname(here)}/`, "")} (added latency is p50 through the edge less p50 direct less one GetItem p50 of ${round(getItemP50, 3)} ms)\n`,
      );
    } finally {
      await bench.stop();
      await rm(bench.workDir, { recursive: true, force: true });
    }
  } finally {
    await rm(distDir, { recursive: true, force: true });
  }
}

await main();
