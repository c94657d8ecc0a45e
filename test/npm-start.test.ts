import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * `npm start` as a person runs it: the CLI in its own process, on free ports
 * and a temporary data folder so it never collides with a running platform.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

interface Started {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exit: Promise<[number | null, NodeJS.Signals | null]>;
}

function startCli(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "packages/local/src/cli.ts")], {
    cwd: repoRoot,
    env: { ...process.env, EDGE_PORT: "0", IDP_PORT: "0", API_PORT: "0", DYNAMO_PORT: "0", S3_PORT: "0", ...env },
  });
  let text = "";
  child.stdout.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  const exit = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, output: () => text, exit };
}

/** Resolves once the CLI printed `marker`, or rejects when it exits first. */
function waitForOutput(started: Started, marker: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (started.output().includes(marker)) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`the CLI exited (${code}) before printing ${JSON.stringify(marker)}:\n${started.output()}`));
    };
    const cleanup = () => {
      started.child.stdout.off("data", check);
      started.child.off("exit", onExit);
    };
    started.child.stdout.on("data", check);
    started.child.once("exit", onExit);
    check();
  });
}

function printedUrl(output: string, label: string): string {
  const match = new RegExp(`^\\s+${label}\\s+(http://\\S+)`, "m").exec(output);
  if (!match?.[1]) throw new Error(`no ${label} URL in:\n${output}`);
  return match[1];
}

describe("npm start", () => {
  let dataDir: string;
  let started: Started;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "spa-bff-cli-"));
    started = startCli({ LOCAL_DATA_DIR: dataDir });
    await waitForOutput(started, "Press Ctrl-C to stop.");
  });

  afterAll(async () => {
    if (started.child.exitCode === null) {
      started.child.kill("SIGKILL");
      await started.exit;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it("prints where every part runs, the URL to open and the demo users", () => {
    const output = started.output();
    expect(output).toMatch(/^\s+Open\s+http:\/\/localhost:\d+\/$/m);
    for (const label of ["Edge", "IdP", "Private API", "DynamoDB"]) expect(() => printedUrl(output, label)).not.toThrow();
    expect(output).toMatch(/alice\s+password: \S+/);
    expect(output).toMatch(/bob\s+password: \S+/);
  });

  it("answers discovery, JWKS and the token endpoint, and issues Cognito-shaped M2M tokens", async () => {
    const issuer = printedUrl(started.output(), "IdP");
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(discovery.issuer).toBe(issuer);
    const jwks = (await (await fetch(discovery.jwks_uri as string)).json()) as { keys: unknown[] };
    expect(jwks.keys.length).toBeGreaterThan(0);

    const clients = JSON.parse(await readFile(join(dataDir, "clients.json"), "utf8")) as {
      m2m: { clientId: string; clientSecret: string };
    };
    const response = await fetch(discovery.token_endpoint as string, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${clients.m2m.clientId}:${clients.m2m.clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "items/read" }),
    });
    expect(response.status).toBe(200);
    const { access_token: token } = (await response.json()) as { access_token: string };
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: issuer,
      sub: clients.m2m.clientId,
      client_id: clients.m2m.clientId,
      token_use: "access",
      scope: "items/read",
    });
    for (const claim of ["exp", "iat", "jti"]) expect(claims).toHaveProperty(claim);
    expect(claims).not.toHaveProperty("username");
  });

  it("serves the SPA and the BFF on the edge, and keeps the private API behind the BFF", async () => {
    const app = printedUrl(started.output(), "Open").replace(/\/$/, "");
    const page = await fetch(`${app}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<!doctype html>");
    const session = await fetch(`${app}/auth/session`, { headers: { "x-csrf": "1" } });
    expect(await session.json()).toEqual(expect.objectContaining({ authenticated: false }));
    const api = await fetch(`${app}/api/items`, { headers: { "x-csrf": "1" } });
    expect(api.status).toBe(401);
  });

  it("stops every part on Ctrl-C and exits 0", async () => {
    const edge = printedUrl(started.output(), "Edge");
    started.child.kill("SIGINT");
    const [code] = await started.exit;
    expect(code).toBe(0);
    expect(started.output()).toContain("Stopped.");
    await expect(fetch(`${edge}/auth/session`)).rejects.toThrow();
  });
});

describe("npm start with a port taken", () => {
  let blocker: Server;
  let port: number;

  beforeAll(async () => {
    blocker = createServer();
    blocker.listen(0, "127.0.0.1");
    await once(blocker, "listening");
    port = (blocker.address() as { port: number }).port;
  });

  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it("names the port, suggests the variables and exits 3", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "spa-bff-cli-"));
    try {
      const started = startCli({ LOCAL_DATA_DIR: dataDir, EDGE_PORT: String(port), SPA: "static" });
      const [code] = await started.exit;
      expect(code).toBe(3);
      expect(started.output()).toContain(String(port));
      expect(started.output()).toMatch(/already in use/i);
      expect(started.output()).toContain("EDGE_PORT");
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
