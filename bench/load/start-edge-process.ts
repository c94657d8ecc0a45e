import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const worker = fileURLToPath(new URL("./edge-worker.ts", import.meta.url));

export interface EdgeProcess {
  url: string;
  /** The process id, so a load run can read its CPU. */
  pid: number;
  stop(): Promise<void>;
}

/** Starts the edge + BFF worker on `node` (default this process's) with the platform's BFF environment and resolves with its URL. */
export async function startEdgeProcess(
  bffEnv: Record<string, string>,
  workDir: string,
  node: string = process.execPath,
): Promise<EdgeProcess> {
  const envFile = join(workDir, "edge-bff-env.json");
  // The BFF environment carries the client secret: owner-only, in the run's temp folder.
  await writeFile(envFile, JSON.stringify({ AWS_REGION: "us-east-1", ...bffEnv }), { mode: 0o600 });
  const child = spawn(node, ["--import", "tsx", worker, envFile], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "WARN" },
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const line = stdout.split("\n").find((candidate) => candidate.startsWith('{"url"'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once("exit", (code) =>
      reject(new Error(`the edge worker exited with ${String(code)}: ${stderr.trim().split("\n").slice(-3).join(" ")}`)),
    );
  });
  return {
    url,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.stdin.end();
      }),
  };
}
