import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./synth.ts";

/** An edit of one project file: the new source, or the same source to leave it. */
export type ProjectEdit = (file: string, source: string) => string;

export interface CopyOptions {
  /**
   * Copy `packages/` too (default: link it), so `edit` can change the shared
   * declaration (`packages/core/src/deployment/*.ts`, `tables.ts`) and every
   * reader of the copy, the stacks and the local platform alike, sees the
   * change: the copy gets its own `node_modules` whose `@spa-bff/*` point at
   * its own packages (everything else links to the repository's).
   */
  readonly packages?: "link" | "copy";
}

/** sst.config.ts and every file under stacks/, relative to the root. */
export function infraFiles(root = repoRoot): string[] {
  const stacks = readdirSync(path.join(root, "stacks"), { recursive: true, encoding: "utf8" })
    .filter((entry) => /\.(ts|mjs)$/.test(entry))
    .map((entry) => path.posix.join("stacks", entry.split(path.sep).join("/")));
  return ["sst.config.ts", ...stacks.sort()];
}

/** The declaration's source files (what a copy with `packages: "copy"` lets `edit` change besides the stacks). */
export function declarationFiles(root = repoRoot): string[] {
  const deployment = readdirSync(path.join(root, "packages", "core", "src", "deployment"), { encoding: "utf8" })
    .filter((entry) => entry.endsWith(".ts") && !entry.endsWith(".test.ts"))
    .map((entry) => path.posix.join("packages/core/src/deployment", entry));
  return [...deployment.sort(), "packages/core/src/tables.ts"];
}

/** A `node_modules` of links to the repository's, except `@spa-bff/*`, which point at the copy's own packages. */
function linkNodeModules(root: string): void {
  const modules = path.join(root, "node_modules");
  mkdirSync(modules);
  for (const entry of readdirSync(path.join(repoRoot, "node_modules"))) {
    if (entry === "@spa-bff") continue;
    symlinkSync(path.join(repoRoot, "node_modules", entry), path.join(modules, entry));
  }
  mkdirSync(path.join(modules, "@spa-bff"));
  for (const entry of readdirSync(path.join(repoRoot, "node_modules", "@spa-bff"))) {
    const target = entry === "web" ? path.join("..", "..", "web") : path.join("..", "..", "packages", entry);
    symlinkSync(target, path.join(modules, "@spa-bff", entry));
  }
}

/**
 * A scratch copy of the infrastructure (inside .sst/, which is gitignored):
 * its own sst.config.ts, stacks/ and tsconfig.infra.json, with `edit`
 * applied, and links to everything else (packages, web, node_modules, the
 * installed platform), so `tsc` and the harness run on it as on the real one.
 * With `packages: "copy"` the packages are its own as well (see
 * {@link CopyOptions}).
 */
export function copyProject(name: string, edit: ProjectEdit = (_file, source) => source, options: CopyOptions = {}): string {
  const root = path.join(repoRoot, ".sst", "scratch", name);
  const copyPackages = options.packages === "copy";
  rmSync(root, { recursive: true, force: true });
  mkdirSync(path.join(root, ".sst"), { recursive: true });
  cpSync(path.join(repoRoot, "stacks"), path.join(root, "stacks"), { recursive: true });
  for (const file of ["sst.config.ts", "tsconfig.infra.json", "tsconfig.json", "package.json"]) {
    cpSync(path.join(repoRoot, file), path.join(root, file));
  }
  cpSync(path.join(repoRoot, ".sst", "provider-lock.json"), path.join(root, ".sst", "provider-lock.json"));
  for (const link of ["scripts", "web"]) symlinkSync(path.join(repoRoot, link), path.join(root, link));
  if (copyPackages) {
    cpSync(path.join(repoRoot, "packages"), path.join(root, "packages"), {
      recursive: true,
      filter: (source) => !source.split(path.sep).includes("node_modules"),
    });
    linkNodeModules(root);
  } else {
    for (const link of ["node_modules", "packages"]) symlinkSync(path.join(repoRoot, link), path.join(root, link));
  }
  symlinkSync(path.join(repoRoot, ".sst", "platform"), path.join(root, ".sst", "platform"));
  for (const file of [...infraFiles(root), ...(copyPackages ? declarationFiles(root) : [])]) {
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
