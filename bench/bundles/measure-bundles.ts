import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { bundleLambda, type LambdaName, lambdaEntries } from "../../scripts/build.ts";

/** One input of a bundle and the bytes it contributes to the minified output. */
export interface BundleInput {
  path: string;
  bytes: number;
}

export interface BundleFigures {
  minifiedBytes: number;
  gzipBytes: number;
  /** Output bytes per input (esbuild metafile), largest first. */
  largestInputs: BundleInput[];
  /** Output bytes per npm package (or "(project)" for workspace sources), largest first. */
  largestPackages: BundleInput[];
  /** Absolute path of the bundle, for the cold-start runs. */
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
 * `outDir`, and reports minified and gzipped sizes with the inputs that weigh
 * the most in the output.
 */
export async function measureBundles(outDir: string): Promise<Record<LambdaName, BundleFigures>> {
  const result = {} as Record<LambdaName, BundleFigures>;
  for (const name of Object.keys(lambdaEntries) as LambdaName[]) {
    const bundle = await bundleLambda(name, outDir);
    const code = await readFile(bundle.outfile);
    const inputs = new Map<string, number>();
    const packages = new Map<string, number>();
    for (const output of Object.values(bundle.metafile.outputs)) {
      for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
        inputs.set(path, (inputs.get(path) ?? 0) + bytesInOutput);
        packages.set(packageOf(path), (packages.get(packageOf(path)) ?? 0) + bytesInOutput);
      }
    }
    result[name] = {
      minifiedBytes: bundle.bytes,
      gzipBytes: gzipSync(code, { level: 9 }).length,
      largestInputs: top(inputs, 8),
      largestPackages: top(packages, 8),
      file: bundle.outfile,
    };
  }
  return result;
}
