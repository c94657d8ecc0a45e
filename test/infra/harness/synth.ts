import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { type CallMock, callResult, computedOutputs, type MockAccount, type MockResource } from "./mocks.ts";
import { startRpcServer } from "./rpc-server.ts";

/** The repository root (this file is test/infra/harness/synth.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface SynthOptions {
  /** The stage to run, as in `sst deploy --stage <stage>`. */
  stage: string;
  /** Project root holding the config and `.sst/platform` (default: the repository root). */
  root?: string;
  /** Config file, relative to `root` (default `sst.config.ts`). */
  config?: string;
  /** Invoke mocks by token, on top of the built-in ones. */
  calls?: Record<string, CallMock>;
  account?: Partial<MockAccount>;
  /** Hard limit: SST errors thrown inside `.apply()` hang a Pulumi run instead of rejecting it. */
  timeoutMs?: number;
}

export interface SynthResult {
  stage: string;
  /** What `app()` returned. */
  app: AppConfig;
  resources: MockResource[];
  /** The stack outputs (`return {...}` from `run`). */
  outputs: Record<string, unknown>;
  /** RPC methods the program called on the fake CLI server. */
  rpcCalls: string[];
}

interface AppConfig {
  name: string;
  removal?: "remove" | "retain" | "retain-all";
  protect?: boolean;
  home: string;
  providers?: Record<string, unknown>;
}

interface BundleModule {
  app(input: { stage: string }): AppConfig | Promise<AppConfig>;
  program(): Promise<Record<string, unknown>>;
}

/** The slice of `@pulumi/pulumi` the harness drives; loaded from `.sst/platform` so it is the bundle's own copy. */
interface PulumiRuntime {
  setMocks(
    mocks: {
      newResource(args: { type: string; name: string; inputs: Record<string, unknown>; custom?: boolean; id?: string }): {
        id: string;
        state: Record<string, unknown>;
      };
      call(args: { token: string; inputs: Record<string, unknown> }): Record<string, unknown>;
    },
    project?: string,
    stack?: string,
    preview?: boolean,
  ): Promise<void>;
  getMonitor(): unknown;
  runInPulumiStack(init: () => Promise<unknown>): Promise<Record<string, unknown> | undefined>;
  disconnect(): Promise<void>;
  deserializeProperties(struct: unknown): Record<string, unknown>;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDependenciesList(): string[];
  getObject(): unknown;
}

interface RegisterResponse {
  getUrn(): string;
  getId(): string;
}

interface MonitorLike {
  registerResource(req: RegisterRequest, callback: (err: unknown, resp?: RegisterResponse) => void): Promise<void>;
}

const externals = ["@pulumi/*", "undici", "@pulumiverse/*", "@sst-provider/*", "@aws-sdk/*", "esbuild", "archiver", "glob", "vite"];

let bundleCounter = 0;
let lateRejectionsSwallowed = false;

/**
 * Loads the bundle with Node's own loader (a CommonJS shim required for
 * real), out of reach of vitest's module runner, so the bundle shares the
 * harness's `@pulumi/pulumi` instance.
 */
async function nativeImport(platform: string, file: string): Promise<unknown> {
  const shim = path.join(platform, "harness", "native-import.cjs");
  await writeFile(shim, "module.exports = (url) => import(url);\n");
  const load = createRequire(shim)(shim) as (url: string) => Promise<unknown>;
  return load(pathToFileURL(file).href);
}

/**
 * Does what `sst deploy` does up to the cloud calls, offline: bundles the
 * config the way the CLI does (pkg/js/js.go: esbuild, the `$` shim, the
 * `aws`/`sst` imports prepended to project files) and runs it as a Pulumi
 * program under `runtime.setMocks`, with a local stand-in for the CLI's RPC
 * server. Returns every registered resource with its final inputs and options.
 *
 * @example
 * const { resources, outputs } = await synth({ stage: "dev" });
 */
export async function synth(options: SynthOptions): Promise<SynthResult> {
  const root = options.root ?? repoRoot;
  const platform = path.join(root, ".sst", "platform");
  if (!existsSync(path.join(platform, "src", "auto", "run.ts"))) {
    throw new Error(`SST platform missing in ${platform}. Run: SST_NO_BUN=1 SST_SKIP_DEPENDENCY_CHECK=1 npx sst install --stage dev`);
  }
  const account: MockAccount = { region: "eu-west-1", accountId: "123456789012", ...options.account };
  const bundleFile = await bundleConfig(root, platform, options.config ?? "sst.config.ts", options.stage);
  const rpc = await startRpcServer(root);
  process.env.SST_SERVER = rpc.url;

  const requirePlatform = createRequire(path.join(platform, "package.json"));
  const pulumi = requirePlatform("@pulumi/pulumi") as { runtime: PulumiRuntime };
  const { runtime } = pulumi;

  const globals = globalThis as Record<string, unknown>;
  globals.$app = { name: "app", stage: options.stage, removal: "remove", providers: {}, protect: false };
  globals.$dev = false;
  globals.$cli = {
    command: "deploy",
    dev: false,
    paths: { home: path.join(root, ".sst", "home"), root, work: path.join(root, ".sst"), platform },
    state: { version: {} },
  };

  const resources: MockResource[] = [];
  let failure: (reason: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    failure = reject;
  });
  const onRejection = (reason: unknown) => failure(reason instanceof Error ? reason : new Error(String(reason)));
  const timeoutMs = options.timeoutMs ?? 90_000;
  const timer = setTimeout(() => failure(new Error(`synth of stage "${options.stage}" did not finish within ${timeoutMs} ms`)), timeoutMs);
  process.on("unhandledRejection", onRejection);

  try {
    const mod = (await nativeImport(platform, bundleFile)) as BundleModule;
    const app = await mod.app({ stage: options.stage });
    globals.$app = {
      name: app.name,
      stage: options.stage,
      removal: app.removal ?? "retain",
      providers: app.providers ?? {},
      home: app.home,
      protect: app.protect ?? false,
    };

    await runtime.setMocks(
      {
        newResource: ({ type, name, inputs }) => {
          const state = { ...inputs, ...computedOutputs(type, name, inputs, account) };
          return { id: String(state.id), state };
        },
        call: ({ token, inputs }) => callResult(token, inputs, account, options.calls ?? {}),
      },
      app.name,
      options.stage,
      false,
    );
    recordRegistrations(runtime, resources);

    const outputs = await Promise.race([runtime.runInPulumiStack(() => mod.program()), failed]);
    await Promise.race([runtime.disconnect(), failed]);
    return { stage: options.stage, app, resources, outputs: outputs ?? {}, rpcCalls: rpc.calls };
  } catch (error) {
    // Builds still in flight reject against the closed RPC server after the real error; they are noise.
    if (!lateRejectionsSwallowed) {
      lateRejectionsSwallowed = true;
      process.on("unhandledRejection", () => undefined);
    }
    throw error;
  } finally {
    clearTimeout(timer);
    process.off("unhandledRejection", onRejection);
    await rpc.close();
    await rm(bundleFile, { force: true });
  }
}

/** Wraps the mock monitor so each resource's options (parent, protect, retainOnDelete, dependsOn) are recorded. */
function recordRegistrations(runtime: PulumiRuntime, resources: MockResource[]): void {
  const monitor = runtime.getMonitor() as MonitorLike;
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    original(req, (err, resp) => {
      if (!err && resp) {
        resources.push({
          type: req.getType(),
          name: req.getName(),
          urn: resp.getUrn(),
          id: resp.getId(),
          custom: req.getCustom(),
          inputs: runtime.deserializeProperties(req.getObject()),
          options: {
            parent: req.getParent(),
            protect: req.getProtect(),
            retainOnDelete: req.getRetainondelete(),
            dependsOn: req.getDependenciesList(),
          },
        });
      }
      callback(err, resp);
    });
}

/**
 * The CLI's esbuild step (pkg/js/js.go), written inside `.sst/platform` so
 * `@pulumi/*` resolves to the platform's copy. A fresh file per call: the
 * bundle holds module state (unique names, `$transform`s).
 */
async function bundleConfig(root: string, platform: string, config: string, stage: string): Promise<string> {
  bundleCounter += 1;
  const outDir = path.join(platform, "harness");
  await mkdir(outDir, { recursive: true });
  const outfile = path.join(outDir, `sst.config.${stage}.${process.pid}.${bundleCounter}.mjs`);
  const lock = JSON.parse(readFileSync(path.join(root, ".sst", "provider-lock.json"), "utf8")) as { package: string; alias: string }[];
  const prelude = [
    ...lock.map((provider) => `import * as ${provider.alias} from ${JSON.stringify(provider.package)};`),
    `import * as sst from ${JSON.stringify(path.join(platform, "src", "components", "index.ts"))};`,
    "",
  ].join("\n");
  const projectFiles: Plugin = {
    name: "sst-globals",
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
        const rel = path.relative(root, args.path);
        if (rel.startsWith("..") || /(^|[\\/])(node_modules|\.sst)[\\/]/.test(rel) || rel.startsWith(".sst")) {
          // naming.ts draws a random suffix per physical name; hash the name instead so runs are reproducible.
          if (args.path.endsWith(path.join("components", "naming.ts"))) {
            const source = await readFile(args.path, "utf8");
            return {
              contents: source.replace('crypto.randomBytes(8).toString("hex")', 'crypto.createHash("sha256").update(name).digest("hex")'),
              loader: "ts",
            };
          }
          return undefined;
        }
        if (rel.startsWith(`packages${path.sep}`) || rel.startsWith(`web${path.sep}`)) return undefined;
        const source = await readFile(args.path, "utf8");
        return { contents: prelude + source, loader: args.path.endsWith("x") ? "tsx" : "ts" };
      });
    },
  };
  const configPath = path.resolve(root, config);
  await build({
    stdin: {
      contents: [
        `import { run } from ${JSON.stringify(path.join(platform, "src", "auto", "run.ts"))};`,
        `import mod from ${JSON.stringify(configPath)};`,
        "export const app = mod.app;",
        "export function program() { return run(mod.run); }",
      ].join("\n"),
      resolveDir: root,
      sourcefile: "eval.ts",
      loader: "ts",
    },
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: false,
    logLevel: "silent",
    nodePaths: [path.join(platform, "node_modules")],
    external: externals,
    inject: [path.join(platform, "src", "shim", "run.js")],
    plugins: [projectFiles],
    banner: {
      js: [
        'import { createRequire as topLevelCreateRequire } from "module";',
        "const require = topLevelCreateRequire(import.meta.url);",
        'import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url";',
        "const __filename = topLevelFileUrlToPath(import.meta.url);",
        'const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url));',
      ].join("\n"),
    },
  });
  return outfile;
}
