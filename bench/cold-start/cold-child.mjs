// One cold start: a fresh Node process imports a Lambda bundle and answers one
// request. Plain JavaScript, run by plain `node`, so no loader sits between the
// clock and the bundle. Usage: node cold-child.mjs <bundle.mjs> <event.json>
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const [bundle, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, "utf8"));
const context = {
  awsRequestId: "bench-cold-start",
  functionName: "bench",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:bench",
  memoryLimitInMB: "1024",
  getRemainingTimeInMillis: () => 30_000,
};

const start = performance.now();
const module = await import(pathToFileURL(bundle).href);
const imported = performance.now();
let outcome;
try {
  const result = await module.handler(event, context);
  outcome = describe(result);
} catch (error) {
  outcome = { ok: false, error: error instanceof Error ? error.message : String(error) };
}
const answered = performance.now();
// What a Lambda instance of this bundle holds after its first request: the whole process, as Lambda's memory size counts it.
const { rss, heapUsed } = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({ importMs: imported - start, requestMs: answered - imported, totalMs: answered - start, rssBytes: rss, heapUsedBytes: heapUsed, ...outcome })}\n`,
);
// Keep-alive sockets of SDK clients would hold the process open; the measurement is done.
process.exit(0);

function describe(result) {
  if (result && typeof result.statusCode === "number") return { ok: result.statusCode < 400, status: result.statusCode };
  if (result?.policyDocument)
    return { ok: result.policyDocument.Statement.some((statement) => statement.Effect === "Allow"), status: "policy" };
  return { ok: result !== undefined, status: "result" };
}
