/**
 * Every property of the stacks, asserted on the real stacks/ synthesised
 * offline in four runs: a dev stage and production as `sst deploy` makes
 * them, a developer's stage under `sst dev`, and a staging stage with the
 * branded sign-in. The checks live in ./checks (shared with the mutation
 * tests, which break each property in a copy and require its check to fail).
 */
import { beforeAll, describe, it } from "vitest";
import { allChecks, checkGroups, type Synths, synthFor } from "./checks/index.ts";

let synths: Synths;

beforeAll(async () => {
  synths = await synthFor(allChecks);
});

for (const [group, checks] of Object.entries(checkGroups)) {
  describe(group, () => {
    for (const check of checks) it(`${check.property} [${check.id}]`, () => check.run(synths));
  });
}
