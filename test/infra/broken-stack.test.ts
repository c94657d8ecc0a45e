import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./harness/index.ts";

/**
 * A broken stack must make `npm run check:infra` fail. Each case copies the
 * real sst.config.ts and stacks/ into a scratch project (inside .sst/, which
 * is gitignored), breaks one thing, and runs the same step the check runs.
 */
const scratch = path.join(repoRoot, ".sst", "broken-fixtures");

function makeProject(name: string, edit: (file: string, source: string) => string): string {
  const root = path.join(scratch, name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(path.join(root, ".sst"), { recursive: true });
  cpSync(path.join(repoRoot, "stacks"), path.join(root, "stacks"), { recursive: true });
  cpSync(path.join(repoRoot, "sst.config.ts"), path.join(root, "sst.config.ts"));
  cpSync(path.join(repoRoot, "tsconfig.infra.json"), path.join(root, "tsconfig.infra.json"));
  cpSync(path.join(repoRoot, ".sst", "provider-lock.json"), path.join(root, ".sst", "provider-lock.json"));
  for (const link of ["node_modules", "packages", "scripts", "web"]) symlinkSync(path.join(repoRoot, link), path.join(root, link));
  symlinkSync(path.join(repoRoot, ".sst", "platform"), path.join(root, ".sst", "platform"));
  for (const file of [
    "sst.config.ts",
    ...["api", "auth", "bff", "jobs", "network", "stage", "web", "index"].map((f) => `stacks/${f}.ts`),
  ]) {
    const full = path.join(root, file);
    const source = readFileSync(full, "utf8");
    const edited = edit(file, source);
    if (edited !== source) writeFileSync(full, edited);
  }
  return root;
}

beforeAll(() => mkdirSync(scratch, { recursive: true }));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("a deliberately broken stack", () => {
  it("fails tsc when a property has the wrong type", () => {
    // Prepare: ttl must be the attribute name (a string), not a number of seconds.
    const root = makeProject("wrong-type", (file, source) =>
      file === "stacks/bff.ts" ? source.replace("ttl: sessionsTable.ttl,", "ttl: 3600,") : source,
    );
    // Act
    const result = spawnSync(
      process.execPath,
      [path.join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.infra.json"],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    // Assess
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(
      /stacks\/bff\.ts\(\d+,\d+\): error TS2322: Type 'number' is not assignable to type 'Input<string> \| undefined'/,
    );
  });

  it("fails the synth when a function's handler file does not exist", () => {
    // Prepare
    const root = makeProject("missing-handler", (file, source) =>
      file === "stacks/jobs.ts" ? source.replace("packages/m2m/src/lambda.handler", "packages/m2m/src/missing.handler") : source,
    );
    // Act
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", path.join(repoRoot, "test", "infra", "harness", "cli.ts"), "--stage", "dev", "--root", root],
      {
        cwd: repoRoot,
        encoding: "utf8",
        timeout: 120_000,
      },
    );
    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("synth failed: Handler not found: packages/m2m/src/missing.handler");
  });

  it("passes both steps unchanged, so the failures above come from the edits", () => {
    // Prepare
    const root = makeProject("unchanged", (_file, source) => source);
    // Act
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", path.join(repoRoot, "test", "infra", "harness", "cli.ts"), "--stage", "dev", "--root", root],
      {
        cwd: repoRoot,
        encoding: "utf8",
        timeout: 120_000,
      },
    );
    // Assess
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
