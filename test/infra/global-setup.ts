import { rmSync } from "node:fs";
import path from "node:path";
import { commandKey, commandsRunVariable, runLocalCommand } from "./harness/mocks.ts";
import { repoRoot, workRootVariable } from "./harness/synth.ts";

/**
 * Builds the SPA once, before the test files run in parallel: every
 * deploy-mode synth runs the site's build (stacks/web.ts `createSite`), and
 * two processes building into web/dist at once would race. The harness skips
 * a command listed in SST_HARNESS_COMMANDS_RUN; a changed command still runs.
 * The test processes keep their artifacts in one folder of this run, removed
 * at the end.
 */
export default function setup(): () => void {
  const site = { create: "npm run build", dir: path.join(repoRoot, "web"), environment: {} };
  runLocalCommand(site);
  process.env[commandsRunVariable] = JSON.stringify([commandKey(site.create, site.dir, site.environment)]);
  const work = path.join(repoRoot, ".sst", "harness-work", `run-${process.pid}`);
  process.env[workRootVariable] = work;
  return () => rmSync(work, { recursive: true, force: true });
}
