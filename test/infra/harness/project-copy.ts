import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./synth.ts";

/** An edit of one project file: the new source, or the same source to leave it. */
export type ProjectEdit = (file: string, source: string) => string;

/** sst.config.ts and every file under stacks/, relative to the root. */
export function infraFiles(root = repoRoot): string[] {
  const stacks = readdirSync(path.join(root, "stacks"), { recursive: true, encoding: "utf8" })
    .filter((entry) => /\.(ts|mjs)$/.test(entry))
    .map((entry) => path.posix.join("stacks", entry.split(path.sep).join("/")));
  return ["sst.config.ts", ...stacks.sort()];
}

/**
 * A scratch copy of the infrastructure (inside .sst/, which is gitignored):
 * its own sst.config.ts, stacks/ and tsconfig.infra.json, with `edit`
 * applied, and links to everything else (packages, web, node_modules, the
 * installed platform), so `tsc` and the harness run on it as on the real one.
 */
export function copyProject(name: string, edit: ProjectEdit = (_file, source) => source): string {
  const root = path.join(repoRoot, ".sst", "scratch", name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(path.join(root, ".sst"), { recursive: true });
  cpSync(path.join(repoRoot, "stacks"), path.join(root, "stacks"), { recursive: true });
  for (const file of ["sst.config.ts", "tsconfig.infra.json"]) cpSync(path.join(repoRoot, file), path.join(root, file));
  cpSync(path.join(repoRoot, ".sst", "provider-lock.json"), path.join(root, ".sst", "provider-lock.json"));
  for (const link of ["node_modules", "packages", "scripts", "web"]) symlinkSync(path.join(repoRoot, link), path.join(root, link));
  symlinkSync(path.join(repoRoot, ".sst", "platform"), path.join(root, ".sst", "platform"));
  for (const file of infraFiles(root)) {
    const full = path.join(root, file);
    const source = readFileSync(full, "utf8");
    const edited = edit(file, source);
    if (edited !== source) writeFileSync(full, edited);
  }
  return root;
}

/** Removes a scratch copy. */
export function removeProject(root: string): void {
  rmSync(root, { recursive: true, force: true });
}
