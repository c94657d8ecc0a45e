import type { LoadFigures } from "../load/measure-load.ts";
import type { BenchResults, LambdaKey } from "./results.ts";

const lambdas: LambdaKey[] = ["bff", "authorizer", "api", "m2m"];

function table(title: string, header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length)));
  const line = (row: string[]) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join("  ");
  return [`\n${title}`, line(header), widths.map((width) => "-".repeat(width)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

/** The human-readable summary of a run, for the terminal. */
export function formatReport(results: BenchResults): string {
  const { machine, bundles, coldStart, warm, load, peer, costModel } = results;
  const parts: string[] = [
    `spa-bff benchmarks: ${machine.cpus} x ${machine.model}, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.os}, ${machine.date}`,
    `the functions' processes ran on Node ${machine.lambdaNode.version}: ${machine.lambdaNode.source}`,
  ];
  parts.push(
    table(
      "Bundles (scripts/build.ts; KiB loaded at cold start, and all chunks with lazy ones)",
      ["lambda", "KiB min", "KiB gzip", "all chunks", "largest packages at cold start (KiB)"],
      lambdas.map((name) => [
        name,
        kb(bundles[name].minifiedBytes),
        kb(bundles[name].gzipBytes),
        kb(bundles[name].totalMinifiedBytes),
        bundles[name].largestPackages
          .slice(0, 4)
          .map((entry) => `${entry.path} ${kb(entry.bytes)}`)
          .join(", "),
      ]),
    ),
  );
  parts.push(
    table(
      `Cold start (${results.options.coldStartRuns} fresh processes each; import + first request)`,
      ["lambda", "p50 ms", "p90 ms", "import p50", "import p90", "request p50", "RSS MiB", "heap MiB", "failures"],
      lambdas.map((name) => {
        const figures = coldStart[name];
        return [
          name,
          figures.p50Ms,
          figures.p90Ms,
          figures.importP50Ms,
          figures.importP90Ms,
          figures.requestP50Ms,
          figures.rssP50Mb,
          figures.heapUsedP50Mb,
          figures.failures,
        ];
      }),
    ),
  );
  const bff = warm.bff;
  const onMachine = warm.bffOnMachineNode;
  const floorRows = (node: string, floor: typeof bff.floor, sequential: number): (string | number)[][] => [
    [`  ${node}: one SDK GetItem`, "", "", "", "", floor.getItemCpuMs, "the BFF's DynamoDB client over HTTP, one at a time"],
    [`  ${node}: one upstream GET`, "", "", "", "", floor.upstreamGetCpuMs, "its HTTP transport (node:http, keep-alive)"],
    [
      `  ${node}: the rest`,
      "",
      "",
      "",
      "",
      (sequential - floor.getItemCpuMs - floor.upstreamGetCpuMs).toFixed(3),
      "the handler's own code, crypto and middy, one at a time",
    ],
  ];
  parts.push(
    table(
      `Warm path (in-process, loopback upstream; Node ${machine.lambdaNode.version})`,
      ["part", "p50 ms", "p99 ms", "rps (1 core)", "CPU ms/req", "one at a time", "per request"],
      [
        [
          "bff GET /api/items",
          bff.p50Ms,
          bff.p99Ms,
          bff.rps,
          bff.cpuMsPerRequest,
          bff.cpuMsPerSequentialRequest,
          `DynamoDB ${JSON.stringify(bff.perRequest.dynamodb)} writes ${bff.perRequest.dynamodbWrites}, KMS ${bff.perRequest.kms}, IdP ${bff.perRequest.idp}`,
        ],
        ...floorRows(machine.lambdaNode.version, bff.floor, bff.cpuMsPerSequentialRequest),
        ...(onMachine
          ? [
              [
                `bff on Node ${onMachine.node}`,
                onMachine.p50Ms,
                "",
                "",
                onMachine.cpuMsPerRequest,
                onMachine.cpuMsPerSequentialRequest,
                "",
              ],
              ...floorRows(onMachine.node, onMachine.floor, onMachine.cpuMsPerSequentialRequest),
            ]
          : []),
        [
          "  one GetItem (dynalite)",
          bff.getItem.p50Ms,
          bff.getItem.p99Ms,
          "",
          "",
          "",
          `session item ${bff.sessionItemBytes} B = ${bff.readUnitsPerRead} RRU`,
        ],
        [
          "authorizer",
          warm.authorizer.p50Ms,
          warm.authorizer.p99Ms,
          "",
          "",
          "",
          `JWKS fetches per 1000: ${warm.authorizer.jwksFetchesPer1000}`,
        ],
      ],
    ),
  );
  const loadRows: (string | number)[][] = [];
  for (const [level, pair] of Object.entries(load)) {
    loadRows.push([
      `${level} edge > BFF > API`,
      pair.bff.rps,
      pair.bff.p50Ms,
      pair.bff.p99Ms,
      pair.bff.errors,
      `+${pair.addedP50Ms} ms, x${pair.latencyRatio}`,
    ]);
    loadRows.push([`${level} API directly`, pair.upstream.rps, pair.upstream.p50Ms, pair.upstream.p99Ms, pair.upstream.errors, ""]);
    const pooled = pair.pooled;
    if (pooled) {
      const pool = pooled.pool;
      loadRows.push([
        `${level} npm start (pools)`,
        pooled.rps,
        pooled.p50Ms,
        pooled.p99Ms,
        pooled.errors,
        `${pool.warmInstances} warm, ${pool.instancesStarted} started, ${pool.coldStarts} cold, ${pool.throttles} throttled, ${pool.refreshGrants} refresh grants`,
      ]);
    }
  }
  if ("loads" in peer) {
    for (const [level, pair] of Object.entries(peer.loads)) {
      loadRows.push([
        `${level} Apache+openidc > API`,
        pair.apache.rps,
        pair.apache.p50Ms,
        pair.apache.p99Ms,
        pair.apache.errors,
        `+${pair.addedP50Ms} ms, x${pair.latencyRatio}`,
      ]);
      loadRows.push([`${level} its API directly`, pair.upstream.rps, pair.upstream.p50Ms, pair.upstream.p99Ms, pair.upstream.errors, ""]);
    }
  }
  parts.push(
    table("Load (autocannon, authenticated GET items)", ["run", "rps", "p50 ms", "p99 ms", "errors", "added p50 (less GetItem)"], loadRows),
  );
  const cpuRows = cpuPerRequestRows(results);
  if (cpuRows.length > 0)
    parts.push(
      table(
        "CPU per request by process (ms; over each run and its warm-up; the processes share the machine's cores)",
        ["run", "total", "by process"],
        cpuRows,
      ),
    );
  const memory = results.memory;
  if (memory)
    parts.push(
      table(
        `Memory of the warm BFF /api instances after the load (${memory.instances} instances; MiB)`,
        ["figure", "MiB", "what"],
        [
          ["heap used p50", memory.heapUsedP50Mb, "V8 heap in use in one instance (its own isolate)"],
          ["heap used max", memory.heapUsedMaxMb, "the largest instance"],
          ["heap total p50", memory.heapTotalP50Mb, "heap V8 reserved for it"],
          ["external p50", memory.externalP50Mb, "Buffers and ArrayBuffers of the instance"],
          ["process RSS", memory.processRssMb, "the whole platform process, every instance included: an upper bound"],
          ["fresh process RSS", coldStart.bff.rssP50Mb, "a process running the /api bundle after its first request (cold start)"],
        ],
      ),
    );
  if ("skipped" in peer) parts.push(`\nPeer (Apache + mod_auth_openidc): skipped: ${peer.skipped}`);
  parts.push(
    table(
      `Cost per million authenticated API calls (USD, us-east-1 list prices)`,
      ["item", "USD", "basis"],
      [
        ...costModel.perMillion.map((line) => [line.item, line.usdPerMillion.toFixed(4), line.basis]),
        ["total (BFF layer)", costModel.totalPerMillion.toFixed(4), ""],
      ],
    ),
  );
  parts.push(
    table(
      `Monthly BFF layer: serverless vs seed 000 (Fargate + ALB, ${costModel.fargateMonthly.usd} USD fixed)`,
      ["calls / month", "serverless USD", "Fargate + ALB USD"],
      costModel.byVolume.map((row) => [row.callsPerMonth.toLocaleString("en-US"), row.serverlessUsd, row.fargateAlbUsd]),
    ),
  );
  parts.push(
    table(
      "Targets",
      ["target", "measured", "met"],
      results.targets.map((check) => [check.target, check.measured, check.met ? "yes" : "NO"]),
    ),
  );
  return parts.join("\n");
}

/** One row per load run that read its processes' CPU: the sum, then each process. */
function cpuPerRequestRows(results: BenchResults): (string | number)[][] {
  const runs: Array<[string, LoadFigures]> = [];
  for (const [level, pair] of Object.entries(results.load)) {
    runs.push([`${level} edge > BFF > API`, pair.bff], [`${level} API directly`, pair.upstream]);
    if (pair.pooled) runs.push([`${level} npm start (pools)`, pair.pooled]);
  }
  if ("loads" in results.peer)
    for (const [level, pair] of Object.entries(results.peer.loads))
      runs.push([`${level} Apache+openidc > API`, pair.apache], [`${level} its API directly`, pair.upstream]);
  return runs.flatMap(([name, figures]) => {
    const cpu = figures.cpuMsPerRequest;
    if (!cpu) return [];
    const total = Object.values(cpu).reduce((sum, value) => sum + value, 0);
    const each = Object.entries(cpu)
      .map(([process, ms]) => `${process} ${ms.toFixed(3)}`)
      .join(", ");
    return [[name, total.toFixed(3), each]];
  });
}
