import { synth } from "./synth.ts";

/**
 * Runs one synth in its own process, like `sst deploy` would, and prints a
 * summary. Exit 1 with the error on failure. Used by the "broken stack" tests
 * and by hand: `node --import tsx test/infra/harness/cli.ts --stage dev`
 * (add `--dev` to run it as `sst dev` would).
 */
function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

function fail(error: unknown): never {
  process.stderr.write(`synth failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

// A component's failure inside Pulumi's apply() can surface as a rejection
// outside synth()'s own window (timing-dependent under load); report it the same way.
process.on("unhandledRejection", fail);

try {
  const result = await synth({
    stage: arg("stage", "dev"),
    dev: process.argv.includes("--dev"),
    config: arg("config", "sst.config.ts"),
    root: arg("root", "") || undefined,
  });
  process.stdout.write(`${JSON.stringify({ stage: result.stage, resources: result.resources.length, outputs: result.outputs })}\n`);
  process.exit(0);
} catch (error) {
  fail(error);
}
