import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { build } from "esbuild";

/** What `Runtime.Build` receives from `sst.aws.Function` (the fields we use). */
interface BuildInput {
  functionID: string;
  handler: string;
  bundle?: string;
  runtime?: string;
}

interface BuildResult {
  handler: string;
  out: string;
  errors: string[];
  sourcemaps: string[];
}

const handlerExtensions = [".ts", ".mts", ".tsx", ".js", ".mjs", ".jsx"];

/**
 * Does what the sst CLI's Node runtime does for `Runtime.Build`: bundles the
 * handler with esbuild into `.sst/artifacts/<id>-src/`. A real bundle, so a
 * missing handler file, a missing export, a bad import or a syntax error fails
 * the synth the way it would fail `sst deploy`.
 */
export async function buildHandler(root: string, input: BuildInput): Promise<BuildResult> {
  if (input.bundle) return { handler: input.handler, out: path.resolve(root, input.bundle), errors: [], sourcemaps: [] };
  const parsed = path.posix.parse(input.handler);
  const exportName = parsed.ext.replace(/^\./, "");
  const base = path.posix.join(parsed.dir, parsed.name);
  const source = handlerExtensions.map((ext) => path.resolve(root, base + ext)).find((file) => existsSync(file));
  const out = path.resolve(root, ".sst", "artifacts", `${input.functionID}-src`);
  if (!source || !exportName) return { handler: input.handler, out, errors: [`Handler not found: ${input.handler}`], sourcemaps: [] };
  const outfile = path.join(out, `${base}.mjs`);
  try {
    const result = await build({
      entryPoints: [source],
      outfile,
      bundle: true,
      format: "esm",
      platform: "node",
      target: `node${/nodejs(\d+)/.exec(input.runtime ?? "")?.[1] ?? "22"}`,
      mainFields: ["module", "main"],
      keepNames: true,
      metafile: true,
      logLevel: "silent",
      banner: {
        js: 'import { createRequire as topLevelCreateRequire } from "module";\nconst require = topLevelCreateRequire(import.meta.url);',
      },
    });
    const exports = Object.values(result.metafile.outputs)[0]?.exports ?? [];
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
  close(): Promise<void>;
}

/**
 * Serves the two RPCs a deploy-mode run makes: `Runtime.Build` and
 * `Provider.Aws.Bootstrap`. Dynamic providers (`Resource.*`) are never invoked
 * under mocks; any other method answers the CLI's "can't find" error.
 */
export async function startRpcServer(root: string): Promise<RpcServer> {
  const calls: string[] = [];
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
        buildHandler(root, request.params[0] as BuildInput).then(
          (result) => reply({ result }),
          (error: unknown) => reply({ error: String(error) }),
        );
        return;
      }
      if (request.method === "Provider.Aws.Bootstrap") {
        reply({
          result: {
            asset: "sst-asset-mock",
            assetEcrRegistryId: "123456789012",
            assetEcrUrl: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/sst-asset",
            state: "sst-state-mock",
            appsyncHttp: "mock.appsync-api.eu-west-1.amazonaws.com",
            appsyncRealtime: "mock.appsync-realtime-api.eu-west-1.amazonaws.com",
          },
        });
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
