import { type SynthResult, synth } from "../harness/index.ts";
import { apiChecks } from "./api.ts";
import { authChecks } from "./auth.ts";
import { bffChecks } from "./bff.ts";
import { devModeChecks } from "./dev-mode.ts";
import { filesChecks } from "./files.ts";
import { networkChecks } from "./network.ts";
import { safetyChecks } from "./safety.ts";
import { secondFactorChecks } from "./second-factor.ts";
import { type Check, type Synths, type Variant, variants } from "./types.ts";
import { webChecks } from "./web.ts";

export type { Check, Synths, Variant } from "./types.ts";
export { variants } from "./types.ts";

/** Every assertion of `npm run check:infra` on the synthesised stacks, by concern. */
export const checkGroups = {
  network: networkChecks,
  auth: authChecks,
  api: apiChecks,
  bff: bffChecks,
  web: webChecks,
  files: filesChecks,
  "second factor": secondFactorChecks,
  "sst dev": devModeChecks,
  "stage safety": safetyChecks,
} satisfies Record<string, Check[]>;

export const allChecks: Check[] = Object.values(checkGroups).flat();

/** The check with this id; throws naming the known ids otherwise. */
export function checkById(id: string): Check {
  const found = allChecks.find((c) => c.id === id);
  if (!found) throw new Error(`No check "${id}". Known: ${allChecks.map((c) => c.id).join(", ")}`);
  return found;
}

/**
 * Synthesises the runs the given checks need, one after the other (they
 * share one Pulumi runtime in the process), from `root` (default: the
 * repository). Runs a check does not need are absent.
 */
export async function synthFor(checks: Check[], root?: string): Promise<Synths> {
  const needed = new Set<Variant>(checks.flatMap((c) => c.needs));
  const runs: Partial<Record<Variant, SynthResult>> = {};
  for (const variant of Object.keys(variants) as Variant[]) {
    if (needed.has(variant)) runs[variant] = await synth({ ...variants[variant], ...(root ? { root } : {}) });
  }
  return runs as Synths;
}
