import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { access, chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import { startIdp } from "@spa-bff/local";
import { apacheProcess, type LoadPair, type LoadTargets, platformProcess } from "../load/measure-load.ts";
import { startBenchGateway } from "../platform/bench-gateway.ts";
import type { BenchPlatform } from "../platform/bench-platform.ts";
import { createBrowser, loginAtIdp } from "../platform/browser.ts";
import { apacheConfig } from "./apache-config.ts";

const apacheBinary = "/usr/sbin/apache2";
const openidcModule = "/usr/lib/apache2/modules/mod_auth_openidc.so";

/** One concurrency level through Apache, and against its API directly in the same run. */
export interface PeerPair {
  apache: LoadPair["bff"];
  upstream: LoadPair["upstream"];
  addedP50Ms: number;
  latencyRatio: number;
}

export type PeerResult = { skipped: string } | { server: string; loads: Record<string, PeerPair> };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Resolves once the port accepts a connection, or rejects when the process exits first or `timeoutMs` passes. */
function whenListening(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const exited = () => reject(new Error(`apache2 exited with ${String(child.exitCode)} before listening`));
    child.once("exit", exited);
    const attempt = () => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        child.off("exit", exited);
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) {
          child.off("exit", exited);
          reject(new Error(`apache2 did not listen on ${port} within ${timeoutMs} ms`));
        } else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

async function installed(): Promise<string | undefined> {
  try {
    await access(apacheBinary);
    await access(openidcModule);
    return undefined;
  } catch {
    return "Apache or mod_auth_openidc is not installed (apt-get install -y apache2 libapache2-mod-auth-openidc)";
  }
}

/** Apache running with a logged-in user: its load targets, and how to stop it all. */
export interface Peer {
  server: string;
  /** `bff` is the path through Apache; `upstream` its gateway directly with the same user's token. */
  targets: LoadTargets;
  stop(): Promise<void>;
}

/**
 * Seed 000's BFF, Apache + mod_auth_openidc, against its own local IdP (it
 * needs its own redirect URI registered) and its own gateway trusting that
 * IdP, on the platform's dynalite. A user logs in over HTTP, so the same load
 * can run through Apache and against its gateway directly, level by level
 * beside the BFF's. Any failure becomes `{ skipped: reason }`: the peer never
 * fails the bench.
 */
export async function startPeer(bench: BenchPlatform): Promise<Peer | { skipped: string }> {
  const missing = await installed();
  if (missing) return { skipped: missing };
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    const web = { clientId: "local-web", clientSecret: randomBytes(32).toString("base64url") };
    const idp = await startIdp({
      port: 0,
      keysDir: null,
      clients: {
        web: { ...web, redirectUris: [`${origin}/private/redirect_uri`], postLogoutRedirectUris: [`${origin}/`] },
        m2m: { clientId: "local-m2m", clientSecret: randomBytes(32).toString("base64url") },
      },
    });
    stops.push(() => idp.stop());
    const gateway = await startBenchGateway({
      issuer: idp.issuer,
      clientIds: web.clientId,
      itemsTable: bench.platform.tables.Items,
      dynamoEndpoint: bench.platform.urls.dynamo,
    });
    stops.push(() => gateway.stop());

    const dir = join(bench.workDir, "apache");
    await mkdir(dir, { recursive: true, mode: 0o755 });
    // Workers run as www-data and write the error log and mutexes here.
    await chmod(dir, 0o777);
    const confFile = join(dir, "httpd.conf");
    await writeFile(
      confFile,
      apacheConfig({
        port,
        dir,
        issuer: idp.issuer,
        clientId: web.clientId,
        clientSecret: web.clientSecret,
        upstream: gateway.url,
        cryptoPassphrase: randomBytes(24).toString("base64url"),
      }),
      { mode: 0o600 },
    );
    const server = spawn(apacheBinary, ["-f", confFile, "-DFOREGROUND"], { stdio: ["ignore", "ignore", "pipe"] });
    let apacheStderr = "";
    server.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      apacheStderr += chunk;
    });
    stops.push(() => stopProcess(server));
    try {
      await whenListening(port, server, 10_000);
    } catch (error) {
      const log = await readFile(join(dir, "error.log"), "utf8").catch(() => "");
      throw new Error(`${(error as Error).message}: ${(apacheStderr + log).trim().split("\n").slice(-3).join(" ")}`);
    }

    const alice = idp.users.find((user) => user.username === "alice");
    if (!alice) throw new Error("the peer IdP has no demo user alice");
    const browser = createBrowser();
    const page = await loginAtIdp(browser, `${origin}/private/items`, alice);
    if (page.status !== 200) {
      const log = await readFile(join(dir, "error.log"), "utf8").catch(() => "");
      throw new Error(`login through Apache ended with HTTP ${page.status}: ${log.trim().split("\n").slice(-2).join(" ")}`);
    }
    const cookie = browser.cookieHeader(new URL(origin).hostname);
    const token = await peerAccessToken(origin, cookie);
    return {
      server: await peerVersions(),
      targets: {
        bff: {
          url: `${origin}/private/items`,
          headers: { cookie, accept: "application/json" },
          servers: { [apacheProcess]: server.pid ?? 0, [platformProcess]: process.pid },
        },
        upstream: {
          url: `${gateway.url}/items`,
          headers: { authorization: `Bearer ${token}`, accept: "application/json" },
          servers: { [platformProcess]: process.pid },
        },
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    return { skipped: error instanceof Error ? error.message : String(error) };
  }
}

/** A load pair through Apache, under the peer's names. */
export function peerPair({ bff: apache, ...rest }: LoadPair): PeerPair {
  return { apache, ...rest };
}

/** Package versions, so the peer's figures name what was measured. */
async function peerVersions(): Promise<string> {
  const query = (args: string[]) =>
    // `dpkg-query -W <package>` prints "<package>\t<version>".
    new Promise<string>((resolve) =>
      execFile(args[0] ?? "", args.slice(1), (error, stdout) => resolve(error ? "unknown" : (stdout.trim().split("\t")[1] ?? "unknown"))),
    );
  const apache = await query(["dpkg-query", "-W", "apache2"]);
  const openidc = await query(["dpkg-query", "-W", "libapache2-mod-auth-openidc"]);
  return `apache2 ${apache}, libapache2-mod-auth-openidc ${openidc} (Debian)`;
}

/** The access token Apache holds for the session (mod_auth_openidc's info hook), for the upstream baseline. */
async function peerAccessToken(origin: string, cookie: string): Promise<string> {
  const response = await fetch(`${origin}/private/redirect_uri?info=json`, { headers: { cookie, accept: "application/json" } });
  const body = (await response.json().catch(() => ({}))) as { access_token?: unknown };
  if (typeof body.access_token !== "string") throw new Error(`mod_auth_openidc's info hook gave no access token (HTTP ${response.status})`);
  return body.access_token;
}
