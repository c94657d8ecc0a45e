/**
 * Mutation tests of the stacks (`npm run check:mutations`): each mutation
 * in ./mutations.ts is applied alone to a copy of stacks/, the copy is
 * synthesised in this process (only the runs its checks read; handler
 * bundles and the site build are shared across synths), and at least one of
 * the checks it names must fail (or, for a mutation marked `refusedWith`,
 * the deploy itself must refuse it). A mutation that slips through, that no
 * longer applies, or that breaks the synth instead of a property fails here.
 *
 * The list runs in shards, one test file each, so vitest spreads them over
 * the machine's cores.
 */
import { afterAll, describe, expect, it } from "vitest";
import { allChecks, type Check, checkById, synthFor } from "../checks/index.ts";
import { copyProject, removeProject } from "../harness/index.ts";
import { type Mutation, mutations } from "./mutations.ts";

const roots: string[] = [];

function mutate(mutation: Mutation): string {
  let applied = mutation.file === "";
  const root = copyProject(
    `mutant-${mutation.id}`,
    (file, source) => {
      if (file !== mutation.file) return source;
      const count = source.split(mutation.find).length - 1;
      if (count !== 1) throw new Error(`Mutation ${mutation.id}: the text to replace occurs ${count} times in ${file}, expected once`);
      applied = true;
      return source.replace(mutation.find, () => mutation.replace);
    },
    // A mutation of the declaration needs the copy's own packages, so the stacks read the mutated file.
    { packages: mutation.file.startsWith("packages/") ? "copy" : "link" },
  );
  if (!applied) throw new Error(`Mutation ${mutation.id}: no file ${mutation.file} among the stacks and the declaration`);
  roots.push(root);
  return root;
}

/** The checks that failed, with their first line of failure. */
function failures(checks: Check[], synths: Awaited<ReturnType<typeof synthFor>>): string[] {
  const failed: string[] = [];
  for (const check of checks) {
    try {
      check.run(synths);
    } catch (error) {
      failed.push(`${check.id}: ${String(error instanceof Error ? error.message : error).split("\n")[0]}`);
    }
  }
  return failed;
}

afterAll(() => {
  for (const root of roots) removeProject(root);
});

/** Number of shards (test files) the mutations are spread over. */
export const shardCount = 2;

/** Declares the tests of one shard: shard 0 also checks the list itself and the unmutated baseline. */
export function mutationSuite(shard: number): void {
  describe(`mutations of the stacks (shard ${shard + 1} of ${shardCount})`, () => {
    if (shard === 0) {
      it("has ids that are unique and name existing checks", () => {
        expect(new Set(mutations.map((m) => m.id)).size).toBe(mutations.length);
        for (const mutation of mutations) for (const id of mutation.caughtBy) expect(() => checkById(id)).not.toThrow();
      });

      it("passes every check on an unmutated copy, so each failure below comes from its mutation", async () => {
        // Act
        const synths = await synthFor(allChecks, mutate({ id: "none", breaks: "", file: "", find: "", replace: "", caughtBy: [] }));

        // Assess
        expect(failures(allChecks, synths)).toEqual([]);
      });
    }

    for (const mutation of mutations.filter((_, index) => index % shardCount === shard)) {
      it(`catches ${mutation.id}: ${mutation.breaks}`, async () => {
        // Prepare
        const root = mutate(mutation);
        const checks = mutation.caughtBy.map(checkById);

        // A mutant the deploy's own guard refuses: the synth of the runs its checks read must fail with that refusal.
        if (mutation.refusedWith !== undefined) {
          await expect(synthFor(checks, root)).rejects.toThrow(mutation.refusedWith);
          console.info(`mutation ${mutation.id} refused by the deploy: ${mutation.refusedWith}`);
          return;
        }

        // Act
        const synths = await synthFor(checks, root);

        // Assess
        const failed = failures(checks, synths);
        expect(failed, `no check among ${mutation.caughtBy.join(", ")} caught it`).not.toEqual([]);
        console.info(`mutation ${mutation.id} caught by ${failed.join(" | ")}`);
      });
    }
  });
}
