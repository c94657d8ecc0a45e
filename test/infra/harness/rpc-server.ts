import { createHash } from "node:crypto";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import type { MockAccount } from "./mocks.ts";

/** What `Runtime.Build` receives from `sst.aws.Function` (the fields we use). */
interface BuildInput {
  functionID: string;
  handler: string;
  /** The function's links, by name: what SST encrypts into its bundle (`resource.enc`). */
  links?: Record<string, unknown>;
  bundle?: string;
  runtime?: string;
  /** The function's `nodejs` settings (plus its architecture). */
  properties?: { plugins?: string; splitting?: boolean };
}

/** The CLI's esbuild target per runtime (pkg/runtime/node/build.go, targetMap): a language level, not a Node version. */
const esTargetOfRuntime: Record<string, string> = {
  "nodejs24.x": "es2024",
  "nodejs22.x": "es2023",
  "nodejs20.x": "es2023",
  "nodejs18.x": "es2022",
};

interface BuildResult {
  handler: string;
  out: string;
  errors: string[];
  sourcemaps: string[];
}

const handlerExtensions = [".ts", ".mts", ".tsx", ".js", ".mjs", ".jsx"];

/**
 * Does what the sst CLI's Node runtime does for `Runtime.Build`: bundles the
 * handler with esbuild into `<work>/artifacts/<id>-src/`, with the function's
 * esbuild plugins, code splitting and the runtime's target as the CLI sets
 * them. A real bundle, so a missing handler file, a missing export, a bad
 * import, a broken plugin or a syntax error fails the synth the way it would
 * fail `sst deploy`.
 *
 * Bundles are cached per process by function, source file (links resolved,
 * so copies of the project that link packages/ share them), settings and
 * plugins file content; sources do not change during a run. Several synths
 * in one process, such as the mutation tests', bundle each handler once.
 */
export function buildHandler(root: string, work: string, input: BuildInput): Promise<BuildResult> {
  const source = resolveHandler(root, input.handler)?.source;
  const plugins = input.properties?.plugins ? path.resolve(root, input.properties.plugins) : undefined;
  const key = JSON.stringify([
    input.functionID,
    source && realpathSync(source),
    input.runtime,
    input.properties,
    input.bundle,
    plugins && existsSync(plugins) ? createHash("sha256").update(readFileSync(plugins)).digest("hex") : undefined,
  ]);
  let result = buildCache.get(key);
  if (!result) {
    result = bundleHandler(root, work, input);
    buildCache.set(key, result);
  }
  return result;
}

const buildCache = new Map<string, Promise<BuildResult>>();

function resolveHandler(root: string, handler: string): { source: string; base: string; exportName: string } | undefined {
  const parsed = path.posix.parse(handler);
  const exportName = parsed.ext.replace(/^\./, "");
  const base = path.posix.join(parsed.dir, parsed.name);
  const source = handlerExtensions.map((ext) => path.resolve(root, base + ext)).find((file) => existsSync(file));
  return source && exportName ? { source, base, exportName } : undefined;
}

async function loadPlugins(root: string, file: string | undefined): Promise<Plugin[]> {
  if (!file) return [];
  const loaded = (await import(pathToFileURL(path.resolve(root, file)).href)) as { default: Plugin[] };
  return loaded.default;
}

async function bundleHandler(root: string, work: string, input: BuildInput): Promise<BuildResult> {
  if (input.bundle) return { handler: input.handler, out: path.resolve(root, input.bundle), errors: [], sourcemaps: [] };
  const out = path.join(work, "artifacts", `${input.functionID}-src`);
  const resolved = resolveHandler(root, input.handler);
  if (!resolved) return { handler: input.handler, out, errors: [`Handler not found: ${input.handler}`], sourcemaps: [] };
  const { source, base, exportName } = resolved;
  const outfile = path.join(out, `${base}.mjs`);
  const splitting = input.properties?.splitting === true;
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: [source],
      ...(splitting
        ? { outdir: path.dirname(outfile), entryNames: path.basename(base), splitting: true, outExtension: { ".js": ".mjs" } }
        : { outfile }),
      bundle: true,
      format: "esm",
      platform: "node",
      target: esTargetOfRuntime[input.runtime ?? ""] ?? "es2023",
      mainFields: ["module", "main"],
      keepNames: true,
      metafile: true,
      logLevel: "silent",
      plugins: await loadPlugins(root, input.properties?.plugins),
      banner: {
        js: 'import { createRequire as topLevelCreateRequire } from "module";\nconst require = topLevelCreateRequire(import.meta.url);',
      },
    });
    const entry = Object.entries(result.metafile.outputs).find(([file]) => path.resolve(root, file) === outfile)?.[1];
    const exports = entry?.exports ?? [];
    if (!exports.includes(exportName)) {
      return {
        handler: input.handler,
        out,
        errors: [`Handler export "${exportName}" not found in ${path.relative(root, source)}`],
        sourcemaps: [],
      };
    }
    return { handler: `${base}.${exportName}`, out, errors: [], sourcemaps: [] };
  } catch (error) {
    const failure = error as { errors?: { text: string; location?: { file: string; line: number } | null }[] };
    const errors = (failure.errors ?? [{ text: String(error) }]).map((e) =>
      e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text,
    );
    return { handler: input.handler, out, errors, sourcemaps: [] };
  }
}

/** A running stand-in for the sst CLI's JSON-RPC server. */
export interface RpcServer {
  url: string;
  /** Every RPC method called, in order (for assertions and debugging). */
  calls: string[];
  /** Functions registered for live development (`Runtime.AddTarget`). */
  devTargets: string[];
  /** The names of each function's links, by function id, as `Runtime.Build` (or, under `sst dev`, `Runtime.AddTarget`) received them. */
  links: Record<string, string[]>;
  close(): Promise<void>;
}

/**
 * Serves the RPCs a run makes: `Runtime.Build` and `Provider.Aws.Bootstrap`,
 * and under `sst dev` `Provider.Aws.Appsync` (the CLI's AppSync Events API
 * that relays invocations) and `Runtime.AddTarget` (a function to run
 * locally). Dynamic providers (`Resource.*`) are never invoked under mocks;
 * any other method answers the CLI's "can't find" error.
 */
export async function startRpcServer(root: string, work: string, account: MockAccount): Promise<RpcServer> {
  const calls: string[] = [];
  const devTargets: string[] = [];
  const links: Record<string, string[]> = {};
  const recordLinks = (input: { functionID?: string; links?: Record<string, unknown> }) => {
    if (input.functionID) links[input.functionID] = Object.keys(input.links ?? {}).sort();
  };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    req.on("end", () => {
      const reply = (payload: unknown) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      const request = JSON.parse(body) as { method: string; params: unknown[] };
      calls.push(request.method);
      if (request.method === "Runtime.Build") {
        recordLinks(request.params[0] as BuildInput);
        buildHandler(root, work, request.params[0] as BuildInput).then(
          (result) => reply({ result }),
          (error: unknown) => reply({ error: String(error) }),
        );
        return;
      }
      if (request.method === "Provider.Aws.Bootstrap") {
        reply({
          result: {
            asset: "sst-asset-mock",
            assetEcrRegistryId: account.accountId,
            assetEcrUrl: `${account.accountId}.dkr.ecr.${account.region}.amazonaws.com/sst-asset`,
            state: "sst-state-mock",
            appsyncHttp: `mock.appsync-api.${account.region}.amazonaws.com`,
            appsyncRealtime: `mock.appsync-realtime-api.${account.region}.amazonaws.com`,
          },
        });
        return;
      }
      if (request.method === "Provider.Aws.Appsync") {
        reply({
          result: {
            http: `mock.appsync-api.${account.region}.amazonaws.com`,
            realtime: `mock.appsync-realtime-api.${account.region}.amazonaws.com`,
          },
        });
        return;
      }
      if (request.method === "Runtime.AddTarget") {
        recordLinks(request.params[0] as BuildInput);
        devTargets.push(String((request.params[0] as { functionID?: string }).functionID));
        reply({ result: {} });
        return;
      }
      reply({ error: `rpc: can't find method ${request.method}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    devTargets,
    links,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
