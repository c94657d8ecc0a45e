import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { bundleLambda, type LambdaName, lambdaEntries } from "../../scripts/build.ts";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** One input of a bundle and the bytes it contributes to the minified output. */
export interface BundleInput {
  path: string;
  bytes: number;
}

export interface BundleFigures {
  /** Minified bytes loaded at cold start: the entry and the chunks it imports statically. */
  minifiedBytes: number;
  /** The same files gzipped (level 9), as they would travel in a deployment package. */
  gzipBytes: number;
  /** Every chunk, lazily imported ones included (login/refresh-only code). */
  totalMinifiedBytes: number;
  totalGzipBytes: number;
  /** Output bytes per input loaded at cold start (esbuild metafile), largest first. */
  largestInputs: BundleInput[];
  /** Output bytes per npm package (or "(project)" for workspace sources) loaded at cold start, largest first. */
  largestPackages: BundleInput[];
  /** The same per package for the lazy chunks only. */
  largestLazyPackages: BundleInput[];
  /** Absolute path of the entry, for the cold-start runs. */
  file: string;
}

/** Groups a metafile input path by package: `node_modules/@scope/name/…` → `@scope/name`. */
export function packageOf(path: string): string {
  const marker = "node_modules/";
  const at = path.lastIndexOf(marker);
  if (at === -1) return "(project)";
  const rest = path.slice(at + marker.length).split("/");
  return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1] ?? ""}` : (rest[0] ?? "(unknown)");
}

function top(entries: Map<string, number>, count: number): BundleInput[] {
  return [...entries.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([path, bytes]) => ({ path, bytes }));
}

/**
 * Bundles each Lambda exactly as `npm run build` does (scripts/build.ts), into
 * `outDir`, and reports minified and gzipped sizes of what a cold start loads
 * and of all chunks, with the inputs that weigh the most.
 */
export async function measureBundles(outDir: string): Promise<Record<LambdaName, BundleFigures>> {
  const result = {} as Record<LambdaName, BundleFigures>;
  for (const name of Object.keys(lambdaEntries) as LambdaName[]) {
    const bundle = await bundleLambda(name, outDir);
    const outputs = bundle.metafile.outputs;
    // Output keys are relative to the repository root (esbuild's working directory).
    const absolute = (key: string) => resolve(repoRoot, key);
    const entryKey = Object.keys(outputs).find((key) => absolute(key) === bundle.outfile);
    const loaded = new Set<string>();
    const visit = (key: string) => {
      if (loaded.has(key)) return;
      loaded.add(key);
      // Node built-ins are imports too ("node:crypto"); only chunks of this bundle count.
      for (const imported of outputs[key]?.imports ?? [])
        if (imported.kind === "import-statement" && imported.path in outputs) visit(imported.path);
    };
    if (entryKey) visit(entryKey);
    const code = Object.keys(outputs).filter((key) => key.endsWith(".mjs"));
    const gzip = async (keys: string[]) => {
      let bytes = 0;
      for (const key of keys) bytes += gzipSync(await readFile(absolute(key)), { level: 9 }).length;
      return bytes;
    };
    const bytes = (keys: string[]) => keys.reduce((sum, key) => sum + (outputs[key]?.bytes ?? 0), 0);
    const tally = (keys: string[]) => {
      const inputs = new Map<string, number>();
      const packages = new Map<string, number>();
      for (const key of keys) {
        for (const [path, { bytesInOutput }] of Object.entries(outputs[key]?.inputs ?? {})) {
          inputs.set(path, (inputs.get(path) ?? 0) + bytesInOutput);
          packages.set(packageOf(path), (packages.get(packageOf(path)) ?? 0) + bytesInOutput);
        }
      }
      return { inputs, packages };
    };
    const cold = [...loaded];
    const lazy = code.filter((key) => !loaded.has(key));
    const coldTally = tally(cold);
    result[name] = {
      minifiedBytes: bytes(cold),
      gzipBytes: await gzip(cold),
      totalMinifiedBytes: bytes(code),
      totalGzipBytes: await gzip(code),
      largestInputs: top(coldTally.inputs, 8),
      largestPackages: top(coldTally.packages, 8),
      largestLazyPackages: top(tally(lazy).packages, 6),
      file: bundle.outfile,
    };
  }
  return result;
}
