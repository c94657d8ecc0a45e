import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runNode } from "../lib/spawn-node.ts";
import { startStaticUpstream } from "../lib/static-upstream.ts";
import type { BenchPlatform } from "../platform/bench-platform.ts";
import type { AuthorizerWarmResult } from "./measure-authorizer-warm.ts";
import type { BffWarmResult } from "./measure-bff-warm.ts";
import type { WarmWorkerInput } from "./warm-worker.ts";

const worker = fileURLToPath(new URL("./warm-worker.ts", import.meta.url));

export interface WarmOptions {
  requests: number;
  authorizerCalls: number;
  rpsSeconds: number;
  rpsConcurrency: number;
}

/** Starts the loopback upstream, runs the warm worker (on `node`, default this process's) against the platform's dynalite and IdP, and returns its figures. */
export async function runWarm(
  bench: BenchPlatform,
  options: WarmOptions,
  node: string = process.execPath,
): Promise<{ bff: BffWarmResult; authorizer: AuthorizerWarmResult }> {
  const upstream = await startStaticUpstream();
  const { platform, session } = bench;
  const input: WarmWorkerInput = {
    bff: {
      dynamoEndpoint: platform.urls.dynamo,
      sessionsTable: platform.tables.Sessions,
      upstreamUrl: upstream.url,
      upstreamCountUrl: upstream.countUrl,
      issuer: platform.urls.idp,
      clientId: platform.clients.web.clientId,
      clientSecret: platform.clients.web.clientSecret,
      appOrigin: platform.urls.app,
      user: session.user,
      tokens: session.tokens,
      requests: options.requests,
      rpsSeconds: options.rpsSeconds,
      rpsConcurrency: options.rpsConcurrency,
    },
    authorizer: {
      issuer: platform.urls.idp,
      clientIds: `${platform.clients.web.clientId},${platform.clients.m2m.clientId}`,
      accessToken: bench.accessToken,
      calls: options.authorizerCalls,
    },
  };
  const inputFile = join(bench.workDir, "warm-input.json");
  const outputFile = join(bench.workDir, "warm-output.json");
  // The input holds tokens and a client secret: owner-only, in the run's temp folder.
  await writeFile(inputFile, JSON.stringify(input), { mode: 0o600 });
  try {
    const run = await runNode(["--import", "tsx", worker, inputFile, outputFile], { env: { ...process.env, LOG_LEVEL: "WARN" }, node });
    if (run.code !== 0) throw new Error(`the warm worker failed (exit ${run.code}): ${run.stderr.split("\n").slice(-8).join("\n")}`);
    return JSON.parse(await readFile(outputFile, "utf8")) as { bff: BffWarmResult; authorizer: AuthorizerWarmResult };
  } finally {
    await upstream.stop();
  }
}
