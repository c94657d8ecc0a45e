/**
 * Bundles each Lambda handler with esbuild into dist/<name>/index.mjs, with a
 * metafile beside it (the benchmarks read it for the largest inputs).
 * Usage: npm run build [-- --quiet]
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The Lambda handlers of the system: the same entry files SST deploys. */
export const lambdaEntries = {
  bff: "packages/bff/src/lambda.ts",
  authorizer: "packages/authorizer/src/lambda.ts",
  api: "packages/api/src/lambda.ts",
  m2m: "packages/m2m/src/lambda.ts",
} as const;

export type LambdaName = keyof typeof lambdaEntries;

export interface BundleResult {
  name: LambdaName;
  outfile: string;
  bytes: number;
  metafile: Metafile;
}

/** Bundles one handler the way it ships: ESM, minified, Node 22 target, AWS SDK v3 bundled (pinned versions, not the runtime's). */
export async function bundleLambda(name: LambdaName, outDir = join(root, "dist")): Promise<BundleResult> {
  const outfile = join(outDir, name, "index.mjs");
  await mkdir(dirname(outfile), { recursive: true });
  const result = await build({
    entryPoints: [join(root, lambdaEntries[name])],
    outfile,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node22",
    // Error classes are matched by name in logs; keep them readable after minification.
    keepNames: true,
    metafile: true,
    legalComments: "none",
    // Some dependencies still call require() on Node built-ins from ESM.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: "warning",
  });
  await writeFile(join(outDir, name, "meta.json"), JSON.stringify(result.metafile));
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  return { name, outfile, bytes, metafile: result.metafile };
}

async function main(): Promise<void> {
  const quiet = process.argv.includes("--quiet");
  for (const name of Object.keys(lambdaEntries) as LambdaName[]) {
    const { outfile, bytes } = await bundleLambda(name);
    if (!quiet) console.log(`${name.padEnd(11)} ${(bytes / 1024).toFixed(1).padStart(8)} KB  ${outfile.replace(`${root}/`, "")}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
