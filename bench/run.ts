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
import { findLambdaNode } from "./lib/lambda-node.ts";
import { describeMachine } from "./lib/machine.ts";
import { round } from "./lib/stats.ts";
import { edgeAndBff, type LoadPair, loadPair, loadPooled, platformProcess } from "./load/measure-load.ts";
import { measureInstanceMemory, poolWatch, provisionGradually } from "./load/pool-watch.ts";
import { startEdgeProcess } from "./load/start-edge-process.ts";
import { type PeerPair, peerPair, startPeer } from "./peer/run-peer.ts";
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
      // The functions' processes (cold starts, the warm BFF, the edge + BFF) run on the Lambda runtime's Node when there is one.
      const lambdaNode = findLambdaNode();
      step(`cold starts: ${coldStartRuns} fresh processes per Lambda, on Node ${lambdaNode.version} (${lambdaNode.source})`);
      const coldStart = await measureColdStarts(bench, bundleFigures, coldStartRuns, lambdaNode.path);

      step(`warm path: BFF and authorizer in a worker process on Node ${lambdaNode.version}`);
      const warmOptions = {
        requests: quick ? 300 : 3000,
        authorizerCalls: quick ? 300 : 3000,
        rpsSeconds: quick ? 1 : 5,
        rpsConcurrency: 16,
      };
      const warm: BenchResults["warm"] = await runWarm(bench, warmOptions, lambdaNode.path);
      if (lambdaNode.path !== process.execPath) {
        step(`warm path again on this machine's Node ${process.version}`);
        const { bff } = await runWarm(bench, warmOptions);
        warm.bffOnMachineNode = {
          node: process.version,
          p50Ms: bff.p50Ms,
          cpuMsPerRequest: bff.cpuMsPerRequest,
          cpuMsPerSequentialRequest: bff.cpuMsPerSequentialRequest,
          floor: bff.floor,
        };
      }

      step(`starting the edge + BFF in a process of its own on Node ${lambdaNode.version}, and its upstream`);
      // The same kind of upstream as Apache's: the gateway, the authorizer and the API on one event loop, in this process.
      const gateway = await startBenchGateway({
        issuer: bench.platform.urls.idp,
        clientIds: `${bench.platform.clients.web.clientId},${bench.platform.clients.m2m.clientId}`,
        itemsTable: bench.platform.tables.Items,
        dynamoEndpoint: bench.platform.urls.dynamo,
      });
      const edge = await startEdgeProcess({ ...bench.platform.bffEnv, API_BASE_URL: gateway.url }, bench.workDir, lambdaNode.path).catch(
        async (error) => {
          await gateway.stop();
          throw error;
        },
      );
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
      };
      const getItemP50 = warm.bff.getItem.p50Ms;
      const load: Record<string, LoadPair> = {};
      const plan = [
        { concurrency: 1, seconds: Math.max(2, loadSeconds / 2) },
        { concurrency: 16, seconds: loadSeconds },
        { concurrency: 64, seconds: loadSeconds },
      ];
      if (withPeer) step("peer: starting Apache + mod_auth_openidc");
      const started = withPeer ? await startPeer(bench) : { skipped: "not requested (npm run bench -- --peer)" };
      const apache = "skipped" in started ? undefined : started;
      const peerLoads: Record<string, PeerPair> = {};
      let peer: BenchResults["peer"] = "skipped" in started ? started : { server: started.server, loads: peerLoads };
      // The edge and Apache runs come before any pool is provisioned: dozens of idle worker-thread instances in the
      // platform process slowed the gateway that both paths share (Apache's rps fell by a quarter in a trial). At each
      // level Apache runs right after the BFF, so the two are compared in the same minute.
      try {
        for (const { concurrency, seconds } of plan) {
          step(`load: c${concurrency} for ${seconds} s through the edge, and against the API directly`);
          load[`c${concurrency}`] = await loadPair(targets, concurrency, seconds, getItemP50, bench.workDir);
          if (apache && concurrency > 1 && !("skipped" in peer)) {
            step(`load: c${concurrency} for ${seconds} s through Apache + mod_auth_openidc, and against its API directly`);
            try {
              peerLoads[`c${concurrency}`] = peerPair(await loadPair(apache.targets, concurrency, seconds, getItemP50, bench.workDir));
            } catch (error) {
              peer = { skipped: `a load through Apache failed: ${error instanceof Error ? error.message : String(error)}` };
            }
          }
        }
      } finally {
        await edge.stop();
        await gateway.stop();
        await apache?.stop();
      }

      const pooledTarget = { url: `${app}/api/items`, headers: spaHeaders(app, bench.cookie), servers: { [platformProcess]: process.pid } };
      for (const { concurrency, seconds } of plan.filter((level) => level.concurrency <= pooledMaxConnections)) {
        step(`load: c${concurrency} for ${seconds} s through the platform's pools`);
        // As provisioned concurrency would: the pooled run measures warm instances, and records any cold start it still causes.
        await provisionGradually(bench.platform, ["bffApi", "items", "authorizer"], concurrency);
        const pair = load[`c${concurrency}`];
        if (pair) pair.pooled = await loadPooled(pooledTarget, poolWatch(bench.platform), concurrency, seconds, bench.workDir);
      }
      step("memory of the warm BFF /api instances after the load");
      const memory: BenchResults["memory"] = await measureInstanceMemory(bench.platform, "bffApi");

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
        machine: {
          ...machine,
          lambdaNode: { version: lambdaNode.version, source: lambdaNode.source, matchesRuntime: lambdaNode.matchesRuntime },
        },
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
