import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LambdaName } from "../../scripts/build.ts";
import { apiListItemsEvent, authorizerEvent, functionUrlGet, scheduledEvent } from "../lib/events.ts";
import { runNode } from "../lib/spawn-node.ts";
import { quantile, round, summarize } from "../lib/stats.ts";
import { type BenchPlatform, spaHeaders } from "../platform/bench-platform.ts";

const child = fileURLToPath(new URL("./cold-child.mjs", import.meta.url));

export interface ColdStartFigures {
  /** Import of the bundle plus the first request, median and p90 over the runs. */
  p50Ms: number;
  p90Ms: number;
  /** Import (module-scope work) alone. */
  importP50Ms: number;
  importP90Ms: number;
  /** The first request alone (connections, lazy loading, key decryption). */
  requestP50Ms: number;
  /** Whole process, spawn to exit (adds Node's own start-up). */
  processP50Ms: number;
  /** The fresh process's resident set and V8 heap in use after its first request (MiB, median): a floor for the Lambda's memory size. */
  rssP50Mb: number;
  heapUsedP50Mb: number;
  runs: number;
  failures: number;
  /** The first failure's message, when a run did not answer successfully. */
  failure?: string;
}

interface Spec {
  env: Record<string, string>;
  event: unknown;
}

/** What each Lambda gets in a cold start: the contract's environment, pointed at the bench's platform. */
function specs(bench: BenchPlatform): Record<LambdaName, Spec> {
  const { platform } = bench;
  const aws = { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local", LOG_LEVEL: "WARN" };
  const alice = platform.users.find((user) => user.username === "alice");
  return {
    bff: { env: { ...platform.bffEnv, ...aws }, event: functionUrlGet("/api/items", spaHeaders(platform.urls.app, bench.cookie)) },
    authorizer: {
      env: { JWT_ISSUER: platform.urls.idp, JWT_CLIENT_IDS: `${platform.clients.web.clientId},${platform.clients.m2m.clientId}`, ...aws },
      event: authorizerEvent(bench.accessToken),
    },
    api: {
      env: { ITEMS_TABLE: platform.tables.Items, DYNAMODB_ENDPOINT: platform.urls.dynamo, ...aws },
      event: apiListItemsEvent({ sub: alice?.sub ?? "", username: "alice" }, platform.clients.web.clientId),
    },
    m2m: {
      env: {
        OIDC_ISSUER: platform.urls.idp,
        M2M_CLIENT_ID: platform.clients.m2m.clientId,
        M2M_CLIENT_SECRET: platform.clients.m2m.clientSecret,
        API_BASE_URL: platform.urls.api,
        ...aws,
      },
      event: scheduledEvent(),
    },
  };
}

/**
 * Spawns `runs` fresh Node processes per bundle; each imports the bundle and
 * answers one realistic request against the running platform, and reports
 * the time from before the import to the answer. `node` is the binary they run on (default this process's).
 */
export async function measureColdStarts(
  bench: BenchPlatform,
  bundles: Record<LambdaName, { file: string }>,
  runs: number,
  node: string = process.execPath,
): Promise<Record<LambdaName, ColdStartFigures>> {
  const result = {} as Record<LambdaName, ColdStartFigures>;
  const all = specs(bench);
  for (const name of Object.keys(all) as LambdaName[]) {
    const spec = all[name];
    const eventFile = join(bench.workDir, `cold-${name}-event.json`);
    // The BFF's event carries alice's session cookie: owner-only, in the run's temp folder.
    await writeFile(eventFile, JSON.stringify(spec.event), { mode: 0o600 });
    const totals: number[] = [];
    const imports: number[] = [];
    const requests: number[] = [];
    const processes: number[] = [];
    const rss: number[] = [];
    const heaps: number[] = [];
    let failures = 0;
    let failure: string | undefined;
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      const output = await runNode([child, bundles[name].file, eventFile], { env: { PATH: process.env.PATH ?? "", ...spec.env }, node });
      const ended = performance.now();
      const line = output.stdout.trim().split("\n").pop() ?? "";
      let parsed:
        | {
            importMs: number;
            requestMs: number;
            totalMs: number;
            rssBytes: number;
            heapUsedBytes: number;
            ok: boolean;
            error?: string;
            status?: unknown;
          }
        | undefined;
      try {
        parsed = JSON.parse(line) as typeof parsed;
      } catch {
        parsed = undefined;
      }
      if (!parsed?.ok) {
        failures += 1;
        failure ??=
          parsed?.error ?? `status ${String(parsed?.status)}; ${output.stderr.trim().split("\n").slice(-3).join(" ")}`.slice(0, 300);
        continue;
      }
      totals.push(parsed.totalMs);
      imports.push(parsed.importMs);
      requests.push(parsed.requestMs);
      processes.push(ended - started);
      rss.push(parsed.rssBytes / 1024 / 1024);
      heaps.push(parsed.heapUsedBytes / 1024 / 1024);
    }
    const total = summarize(totals);
    const imported = summarize(imports);
    result[name] = {
      p50Ms: total.p50Ms,
      p90Ms: total.p90Ms,
      importP50Ms: imported.p50Ms,
      importP90Ms: imported.p90Ms,
      requestP50Ms: summarize(requests).p50Ms,
      processP50Ms: round(summarize(processes).p50Ms, 1),
      rssP50Mb: round(quantile(rss, 0.5), 1),
      heapUsedP50Mb: round(quantile(heaps, 0.5), 1),
      runs,
      failures,
      ...(failure === undefined ? {} : { failure }),
    };
  }
  return result;
}
