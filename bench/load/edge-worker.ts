/**
 * The local edge and the BFF in a process of their own, as in AWS, where the
 * BFF is its own Lambda and never shares a CPU with the API or DynamoDB.
 * Reads the BFF's environment from a file, prints `{"url":…}` once
 * listening, and stops when its stdin closes.
 * Usage: tsx bench/load/edge-worker.ts <bff-env.json>
 */
import { readFile } from "node:fs/promises";
import { type BffHandler, createBffHandler, loadBffConfig } from "@spa-bff/bff";
import { inProcess, startEdge } from "@spa-bff/local";

const envFile = process.argv[2];
if (!envFile) throw new Error("usage: edge-worker.ts <bff-env.json>");
const env = JSON.parse(await readFile(envFile, "utf8")) as Record<string, string>;
let bff: BffHandler | undefined;
const edge = await startEdge({
  port: 0,
  spa: { kind: "none" },
  functions: ["/auth/", "/api/", "/files/"].map((prefix) => ({
    prefix,
    invoke: inProcess((event: Parameters<BffHandler>[0], context) => {
      if (!bff) throw new Error("The BFF is not ready yet");
      return bff(event, context);
    }),
  })),
});
// The BFF accepts calls from its own origin only, which is known once the edge listens.
bff = createBffHandler(loadBffConfig({ ...env, APP_ORIGIN: edge.url }));
process.stdout.write(`${JSON.stringify({ url: edge.url })}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  void edge.stop().then(() => process.exit(0));
});
