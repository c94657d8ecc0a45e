/**
 * How every Lambda handler is bundled, by `npm run build` (and the
 * benchmarks) and by SST when it deploys, so that what is measured is what
 * ships. SST's Go builder fixes most esbuild options itself (ESM, bundle,
 * keepNames, mainFields module-first, minify); the two knobs it takes from a
 * stack are the plugins file and code splitting, listed here once. Its
 * target follows the runtime: es2023 for nodejs22.x (pkg/runtime/node/build.go;
 * a Node version cannot be named there), which Node 22 runs as is;
 * `npm run build` targets node22.
 *
 * Here and not in scripts/: the stacks import it, and stacks/ imports
 * nothing from scripts/.
 */

/** The Lambda runtime of every function (the Node CI also tests under, and the bench runs the functions on). */
export const lambdaRuntime = "nodejs22.x";

export const lambdaBundle = {
  /** Relative to the repository root, as SST resolves it. */
  plugins: "stacks/lambda-bundle/plugins.mjs",
  /** Lazy-loaded modules (openid-client, the KMS client) go to their own chunks. */
  splitting: true,
} as const;
