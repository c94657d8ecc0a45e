import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CopyOptions, copyProject, removeProject, repoRoot } from "./harness/index.ts";

/**
 * A broken stack must make `npm run check:infra` fail. Each case copies the
 * real sst.config.ts and stacks/ into a scratch project, breaks one thing,
 * and runs the same step the check runs, in its own process as the CLI would.
 */
const roots: string[] = [];

function project(name: string, edit?: (file: string, source: string) => string, options?: CopyOptions): string {
  const root = copyProject(`broken-${name}`, edit, options);
  roots.push(root);
  return root;
}

function synthIn(root: string) {
  return spawnSync(
    process.execPath,
    ["--import", "tsx", path.join(repoRoot, "test", "infra", "harness", "cli.ts"), "--stage", "dev", "--root", root],
    {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 120_000,
    },
  );
}

afterAll(() => {
  for (const root of roots) removeProject(root);
});

describe("a deliberately broken stack", () => {
  it("fails tsc when a property has the wrong type", () => {
    // Prepare: deletion protection is a flag, not a word.
    const root = project("wrong-type", (file, source) =>
      file === "stacks/bff.ts" ? source.replace("deletionProtection: production,", 'deletionProtection: "yes",') : source,
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
      /stacks\/bff\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'Input<boolean> \| undefined'/,
    );
  });

  it("fails the synth when a function's declared entry file does not exist", () => {
    // Prepare
    const root = project(
      "missing-handler",
      (file, source) =>
        file === "packages/core/src/deployment/functions.ts"
          ? source.replace('entry: "packages/m2m/src/lambda/job.ts"', 'entry: "packages/m2m/src/lambda/missing.ts"')
          : source,
      { packages: "copy" },
    );

    // Act
    const result = synthIn(root);

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("synth failed: Handler not found: packages/m2m/src/lambda/missing.handler");
  });

  it("fails the synth when sst.config.ts imports at the top level, which the CLI refuses before it runs app()", () => {
    // Prepare
    const root = project("top-level-import", (file, source) =>
      file === "sst.config.ts"
        ? source.replace(
            'const sstVersion = "4.17.1";',
            'import { appName } from "./stacks/stage.ts";\nconst sstVersion = "4.17.1";\nvoid appName;',
          )
        : source,
    );

    // Act
    const result = synthIn(root);

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Top-level import "./stacks/stage.ts" in sst.config.ts');
  });

  it("passes both steps unchanged, so the failures above come from the edits", () => {
    // Prepare
    const root = project("unchanged");

    // Act
    const typecheck = spawnSync(
      process.execPath,
      [path.join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.infra.json"],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    const result = synthIn(root);

    // Assess
    expect(typecheck.status).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
