/**
 * Bundles each Lambda handler with esbuild into dist/<name>/, the way SST's
 * deploy build does (ESM, minified, keepNames, module-first resolution, code
 * splitting, the plugins of stacks/lambda-bundle), with a metafile beside it
 * that the benchmarks read for the largest inputs.
 * Usage: npm run build [-- --quiet]
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Metafile, type Plugin } from "esbuild";
import { lambdaBundle } from "../stacks/lambda-bundle/options.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The Lambda handlers of the system: the same entry files SST deploys. */
export const lambdaEntries = {
  /** The BFF's `/api` function: the hot path every API call takes (its `/auth` and `/files` functions are below). */
  bff: "packages/bff/src/lambda/api.ts",
  authorizer: "packages/authorizer/src/lambda/authorizer.ts",
  api: "packages/api/src/lambda/items.ts",
  m2m: "packages/m2m/src/lambda/job.ts",
} as const;

export type LambdaName = keyof typeof lambdaEntries;

/** The other deployed handlers: built and printed too, not benchmarked. */
export const moreLambdaEntries = {
  "bff-auth": "packages/bff/src/lambda/auth.ts",
  "bff-files": "packages/bff/src/lambda/files.ts",
  "auth-define": "packages/auth-challenge/src/lambda/define.ts",
  "auth-create": "packages/auth-challenge/src/lambda/create.ts",
  "auth-verify": "packages/auth-challenge/src/lambda/verify.ts",
  "auth-pre-token": "packages/auth-challenge/src/lambda/pre-token.ts",
} as const;

export type BundleName = LambdaName | keyof typeof moreLambdaEntries;

const allEntries: Record<BundleName, string> = { ...lambdaEntries, ...moreLambdaEntries };

export interface BundleResult {
  name: BundleName;
  /** The entry file Lambda loads at cold start. */
  outfile: string;
  /** Bytes loaded at cold start (the entry and the chunks it imports statically). */
  entryBytes: number;
  /** Bytes of every file, lazy chunks included. */
  totalBytes: number;
  metafile: Metafile;
}

/** Bundles one handler as it ships. */
export async function bundleLambda(name: BundleName, outDir = join(root, "dist")): Promise<BundleResult> {
  const dir = join(outDir, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const plugins = ((await import(pathToFileURL(join(root, lambdaBundle.plugins)).href)) as { default: Plugin[] }).default;
  const result = await build({
    absWorkingDir: root,
    entryPoints: { index: join(root, allEntries[name]) },
    outdir: dir,
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    splitting: lambdaBundle.splitting,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node22",
    mainFields: ["module", "main"],
    keepNames: true,
    legalComments: "none",
    plugins,
    metafile: true,
    // Some dependencies still call require() on Node built-ins from ESM (SST adds the same banner).
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: "warning",
  });
  await writeFile(join(dir, "meta.json"), JSON.stringify(result.metafile));
  const outputs = result.metafile.outputs;
  const outfile = join(dir, "index.mjs");
  const entryKey = Object.keys(outputs).find((key) => resolve(root, key) === outfile);
  if (!entryKey) throw new Error(`esbuild produced no entry file for ${name}`);
  const loaded = new Set<string>();
  const visit = (key: string) => {
    if (loaded.has(key)) return;
    loaded.add(key);
    for (const imported of outputs[key]?.imports ?? []) if (imported.kind === "import-statement") visit(imported.path);
  };
  visit(entryKey);
  const size = (keys: Iterable<string>) => [...keys].reduce((sum, key) => sum + (outputs[key]?.bytes ?? 0), 0);
  return {
    name,
    outfile,
    entryBytes: size(loaded),
    totalBytes: size(Object.keys(outputs).filter((key) => key.endsWith(".mjs"))),
    metafile: result.metafile,
  };
}

async function main(): Promise<void> {
  const quiet = process.argv.includes("--quiet");
  for (const name of Object.keys(allEntries) as BundleName[]) {
    const { outfile, entryBytes, totalBytes } = await bundleLambda(name);
    if (!quiet) {
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`.padStart(10);
      console.log(`${name.padEnd(11)} cold start ${kb(entryBytes)}   all chunks ${kb(totalBytes)}   ${outfile.replace(`${root}/`, "")}`);
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
