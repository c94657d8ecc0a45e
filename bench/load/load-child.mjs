// The load generator, in a process of its own so it never shares a core's
// event loop with the servers it measures. Options come from a file (they
// carry a session cookie or a bearer token, which must not show in `ps`).
// Usage: node load-child.mjs <options.json>
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

const options = JSON.parse(readFileSync(process.argv[2], "utf8"));

/** Runs autocannon; collects each response time itself, since autocannon's histogram keeps whole milliseconds. */
function run(overrides) {
  const times = [];
  let bad = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon({ ...options, ...overrides }, (error, result) => (error ? reject(error) : resolve({ result, times, bad })));
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
      else bad += 1;
    });
  });
}

function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1];
}

// A short warm-up opens the connections and lets JIT and caches settle before sampling.
const warmup = await run({ duration: Math.min(2, options.duration) });
const { result, times, bad } = await run({});
const cpu = process.cpuUsage();
times.sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    p50Ms: quantile(times, 0.5),
    p90Ms: quantile(times, 0.9),
    p99Ms: quantile(times, 0.99),
    non2xx: Math.max(result.non2xx, bad),
    errors: result.errors,
    timeouts: result.timeouts,
    duration: result.duration,
    warmupTotal: warmup.result.requests.total,
    cpuMs: (cpu.user + cpu.system) / 1000,
  })}\n`,
);
