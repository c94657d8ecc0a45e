import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { type CallMock, callResult, computedOutputs, type MockAccount, type MockResource, runLocalCommand } from "./mocks.ts";
import { startRpcServer } from "./rpc-server.ts";

/** The repository root (this file is test/infra/harness/synth.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface SynthOptions {
  /** The stage to run, as in `sst deploy --stage <stage>`. */
  stage: string;
  /** Run as `sst dev` does (`$dev = true`): functions become relay stubs, sites run their dev command instead of deploying. */
  dev?: boolean;
  /** The stage's SST secrets (`sst secret set <Name> <value>`), which the CLI hands to the program as `SST_SECRET_<Name>`. */
  secrets?: Record<string, string>;
  /** Other environment of the deploying shell, set for the run only. */
  env?: Record<string, string>;
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
  /** Whether this was an `sst dev` run. */
  dev: boolean;
  /** What `app()` returned. */
  app: AppConfig;
  /** Every resource the program registered (created or declared), in registration order. */
  resources: MockResource[];
  /** Existing resources the program only looked up (`Resource.get`, e.g. `sst.aws.Vpc.get`). */
  reads: MockResource[];
  /** The stack outputs (`return {...}` from `run`). */
  outputs: Record<string, unknown>;
  /** RPC methods the program called on the fake CLI server. */
  rpcCalls: string[];
  /** The functions registered with the CLI for live development (`Runtime.AddTarget`, `sst dev` only). */
  devTargets: string[];
  /** The names of each function's links (encrypted into its bundle), by SST function name, e.g. `{ BffAuth: ["IdentifierHashKey", "WebClient"] }`. */
  links: Record<string, string[]>;
}

interface AppConfig {
  name: string;
  removal?: "remove" | "retain" | "retain-all";
  protect?: boolean;
  home: string;
  providers?: Record<string, unknown>;
}

interface ProgramModule {
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

interface ReadRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getId(): string;
  getProperties(): unknown;
}

interface RegisterResponse {
  getUrn(): string;
  getId(): string;
}

interface MonitorLike {
  registerResource(req: RegisterRequest, callback: (err: unknown, resp?: RegisterResponse) => void): Promise<void>;
  readResource(req: ReadRequest, callback: (err: unknown, resp?: { getUrn(): string }) => void): Promise<void>;
  registerResourceOutputs(req: { getUrn(): string; getOutputs(): unknown }, callback: (err: unknown, resp?: unknown) => void): void;
}

const externals = ["@pulumi/*", "undici", "@pulumiverse/*", "@sst-provider/*", "@aws-sdk/*", "esbuild", "archiver", "glob", "vite"];

let bundleCounter = 0;
let lateRejectionsSwallowed = false;

const shimSource = "module.exports = (url) => import(url);\n";

/**
 * Loads the bundle with Node's own loader (a CommonJS shim required for
 * real), out of reach of vitest's module runner, so the bundle shares the
 * harness's `@pulumi/pulumi` instance. The shim is written whole (renamed
 * into place), since test processes running in parallel share it.
 */
async function nativeImport(platform: string, file: string): Promise<unknown> {
  const shim = path.join(platform, "harness", "native-import.cjs");
  if (!existsSync(shim) || readFileSync(shim, "utf8") !== shimSource) {
    mkdirSync(path.dirname(shim), { recursive: true });
    writeFileSync(`${shim}.${process.pid}`, shimSource);
    renameSync(`${shim}.${process.pid}`, shim);
  }
  const load = createRequire(shim)(shim) as (url: string) => Promise<unknown>;
  return load(pathToFileURL(file).href);
}

let workDir: string | undefined;

/** Where a test run keeps its processes' work folders (set by the global setup, which removes it at the end). */
export const workRootVariable = "SST_HARNESS_WORK";

/**
 * This process's stand-in for the CLI's work folder (`.sst`): handler
 * bundles and function zips. One per process, so test files running in
 * parallel never write the same artifact, and outside the project copies,
 * so bundles cached for one copy outlive it; removed when the process exits
 * (or with the test run's folder).
 */
function processWorkDir(): string {
  if (!workDir) {
    const dir = path.join(process.env[workRootVariable] ?? path.join(repoRoot, ".sst", "harness-work"), String(process.pid));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    workDir = dir;
  }
  return workDir;
}

/** Sets variables for the run, and returns how to put the previous values back. */
function withEnv(vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** The stage's secrets as the CLI passes them: its own values override the shell's (pkg/project/run.go). */
function secretEnv(secrets: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(secrets).map(([name, value]) => [`SST_SECRET_${name}`, value]));
}

/**
 * Does what `sst deploy` (or `sst dev`, with `dev: true`) does up to the
 * cloud calls, offline: evaluates `app()` as the CLI does (its own bundle,
 * no platform globals, no top-level imports; pkg/project/project.go),
 * bundles the config the way the CLI does (pkg/js/js.go: esbuild, the `$`
 * shim, the `aws`/`sst` imports prepended to project files) and runs it as a
 * Pulumi program under `runtime.setMocks`, with a local stand-in for the
 * CLI's RPC server. Returns every registered resource with its final inputs
 * and options.
 *
 * @example
 * const { resources, outputs } = await synth({ stage: "dev" });
 * const live = await synth({ stage: "alice", dev: true, secrets: { LoginMode: "branded" } });
 */
export async function synth(options: SynthOptions): Promise<SynthResult> {
  const root = options.root ?? repoRoot;
  const dev = options.dev ?? false;
  const platform = path.join(root, ".sst", "platform");
  if (!existsSync(path.join(platform, "src", "auto", "run.ts"))) {
    throw new Error(`SST platform missing in ${platform}. Run: SST_NO_BUN=1 SST_SKIP_DEPENDENCY_CHECK=1 npx sst install --stage dev`);
  }
  const account: MockAccount = { region: "eu-west-1", accountId: "123456789012", ...options.account };
  const config = options.config ?? "sst.config.ts";
  const restoreEnv = withEnv({ ...options.env, ...secretEnv(options.secrets), SST_AWS_REGION: account.region });
  const app = await evaluateApp(root, platform, config, options.stage).catch((error: unknown) => {
    restoreEnv();
    throw error;
  });
  const bundleFile = await bundleConfig(root, platform, config, options.stage);
  const work = processWorkDir();
  const rpc = await startRpcServer(root, work, account);
  process.env.SST_SERVER = rpc.url;

  const requirePlatform = createRequire(path.join(platform, "package.json"));
  const pulumi = requirePlatform("@pulumi/pulumi") as { runtime: PulumiRuntime };
  const { runtime } = pulumi;

  const globals = globalThis as Record<string, unknown>;
  globals.$app = {
    name: app.name,
    stage: options.stage,
    removal: app.removal ?? "retain",
    providers: app.providers ?? {},
    home: app.home,
    protect: app.protect ?? false,
  };
  globals.$dev = dev;
  globals.$cli = {
    command: dev ? "dev" : "deploy",
    dev,
    paths: { home: path.join(root, ".sst", "home"), root, work, platform },
    state: { version: {} },
  };

  const resources: MockResource[] = [];
  const reads: MockResource[] = [];
  let failure: (reason: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    failure = reject;
  });
  const onRejection = (reason: unknown) => failure(reason instanceof Error ? reason : new Error(String(reason)));
  const timeoutMs = options.timeoutMs ?? 90_000;
  const timer = setTimeout(() => failure(new Error(`synth of stage "${options.stage}" did not finish within ${timeoutMs} ms`)), timeoutMs);
  process.on("unhandledRejection", onRejection);

  try {
    const mod = (await nativeImport(platform, bundleFile)) as ProgramModule;
    await runtime.setMocks(
      {
        newResource: ({ type, name, inputs, id }) => {
          const local = type === "command:local:Command" ? runLocalCommand(inputs) : {};
          const state = { ...inputs, ...computedOutputs(type, name, inputs, account, id), ...local };
          return { id: String(state.id), state };
        },
        call: ({ token, inputs }) => callResult(token, inputs, account, options.calls ?? {}),
      },
      app.name,
      options.stage,
      false,
    );
    recordRegistrations(runtime, resources, reads);

    const outputs = await Promise.race([runtime.runInPulumiStack(() => mod.program()), failed]);
    await Promise.race([runtime.disconnect(), failed]);
    return {
      stage: options.stage,
      dev,
      app,
      resources,
      reads,
      outputs: outputs ?? {},
      rpcCalls: rpc.calls,
      devTargets: rpc.devTargets,
      links: rpc.links,
    };
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
    restoreEnv();
    await rpc.close();
    await rm(bundleFile, { force: true });
  }
}

/**
 * Wraps the mock monitor so each resource's options (parent, protect,
 * retainOnDelete, dependsOn), each lookup and each component's registered
 * outputs (e.g. a site's `_dev` settings) are recorded.
 */
function recordRegistrations(runtime: PulumiRuntime, resources: MockResource[], reads: MockResource[]): void {
  const monitor = runtime.getMonitor() as MonitorLike;
  const byUrn = new Map<string, MockResource>();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (err, resp) => {
      if (!err && resp) {
        const resource: MockResource = {
          type: req.getType(),
          name: req.getName(),
          urn: resp.getUrn(),
          id: resp.getId(),
          custom: req.getCustom(),
          inputs: runtime.deserializeProperties(req.getObject()),
          outputs: {},
          options: {
            parent: req.getParent(),
            protect: req.getProtect(),
            retainOnDelete: req.getRetainondelete(),
            dependsOn: req.getDependenciesList(),
          },
        };
        resources.push(resource);
        byUrn.set(resource.urn, resource);
      }
      callback(err, resp);
    });
  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (req, callback) =>
    read(req, (err, resp) => {
      if (!err && resp) {
        reads.push({
          type: req.getType(),
          name: req.getName(),
          urn: resp.getUrn(),
          id: req.getId(),
          custom: true,
          inputs: runtime.deserializeProperties(req.getProperties()),
          outputs: {},
          options: { parent: req.getParent(), protect: false, retainOnDelete: false, dependsOn: [] },
        });
      }
      callback(err, resp);
    });
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    const resource = byUrn.get(req.getUrn());
    if (resource) resource.outputs = runtime.deserializeProperties(req.getOutputs());
    registerOutputs(req, callback);
  };
}

/** Prepends the `aws`/`sst` imports to project files, as the CLI's InjectGlobals plugin does. */
function projectFilesPlugin(root: string, prelude: string): Plugin {
  return {
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
}

const banner = [
  'import { createRequire as topLevelCreateRequire } from "module";',
  "const require = topLevelCreateRequire(import.meta.url);",
  'import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url";',
  "const __filename = topLevelFileUrlToPath(import.meta.url);",
  'const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url));',
].join("\n");

/**
 * The CLI's first step (pkg/project/project.go): `app()` evaluated from its
 * own bundle, with `$config` as the identity, no platform globals, and no
 * top-level import in sst.config.ts (pkg/js/js.go's DisallowImports), run
 * where the platform's packages do not resolve (as on a fresh clone, before
 * `sst install`). A config that only works inside the full program fails
 * here as it would fail `sst install` or `sst deploy`.
 */
async function evaluateApp(root: string, platform: string, config: string, stage: string): Promise<AppConfig> {
  bundleCounter += 1;
  // Outside .sst/platform: on a fresh clone the CLI evaluates app() before the platform's packages exist
  // (`sst install` needs app()'s providers first), so a bundle that imports one of them must fail here too.
  const outDir = path.join(root, ".sst", "app-eval");
  await mkdir(outDir, { recursive: true });
  const outfile = path.join(outDir, `sst.app.${stage}.${process.pid}.${bundleCounter}.mjs`);
  const configPath = path.resolve(root, config);
  const disallowImports: Plugin = {
    name: "disallow-imports",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (path.basename(args.importer) === path.basename(configPath) && args.kind === "import-statement") {
          return {
            errors: [
              { text: `Top-level import "${args.path}" in ${config}: the CLI evaluates app() without it. Import inside app() or run().` },
            ],
          };
        }
        return undefined;
      });
    },
  };
  try {
    await build({
      stdin: {
        contents: [
          `import mod from ${JSON.stringify(configPath)};`,
          `export default await mod.app({ stage: ${JSON.stringify(stage)} });`,
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
      logLevel: "silent",
      nodePaths: [path.join(platform, "node_modules")],
      external: externals,
      plugins: [disallowImports],
      banner: { js: `${banner}\nfunction $config(input) { return input }` },
    });
    return ((await nativeImport(platform, outfile)) as { default: AppConfig }).default;
  } finally {
    await rm(outfile, { force: true });
  }
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
  const configPath = path.resolve(root, config);
  await build({
    stdin: {
      contents: [
        `import { run } from ${JSON.stringify(path.join(platform, "src", "auto", "run.ts"))};`,
        `import mod from ${JSON.stringify(configPath)};`,
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
    plugins: [projectFilesPlugin(root, prelude)],
    banner: { js: banner },
  });
  return outfile;
}
