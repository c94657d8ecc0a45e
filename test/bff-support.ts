/**
 * Test support for the BFF's cross-package tests: the full local stack on
 * loopback, port 0 (dynalite, the local IdP, the edge, a recording upstream)
 * with injected seams (a clock, a log spy). The browser and the login steps
 * are in ./support/browser.ts.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createRequire } from "node:module";
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { type BffConfig, createBffHandler, loadBffConfig } from "@spa-bff/bff";
import type { Sealer, SessionService } from "@spa-bff/bff/session";
import { createLocalKeyProvider, createSealer, createSessionService } from "@spa-bff/bff/session";
import { createLogger, createTableInput, type Logger, sessionsTable } from "@spa-bff/core";
import { type LocalIdp, type RunningEdge, startEdge, startIdp } from "@spa-bff/local";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { vi } from "vitest";

const dynalite = createRequire(import.meta.url)("dynalite") as (options: { createTableMs?: number }) => Server;

export const webClient = { clientId: "local-web", clientSecret: `web-secret-${randomBytes(8).toString("hex")}` };
const passwords: Record<string, string> = { alice: "alice-demo-password", bob: "bob-demo-password" };

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** An in-memory dynalite that can be stopped and started again on the same port, keeping its data. */
export interface TestDynamo {
  endpoint: string;
  client: DynamoDBClient;
  tableName: string;
  /** Cuts DynamoDB off (an outage); `start` restores it with its data. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
  /** Number of items in the sessions table. */
  count(): Promise<number>;
}

/**
 * A TCP forwarder in front of dynalite: stopping it is an outage that keeps
 * the data (dynalite itself drops its in-memory store when its server closes).
 */
async function startOutageSwitch(targetPort: number): Promise<{ port: number; stop(): Promise<void>; start(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  const port = await listen(server as unknown as Server);
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
    start: async () => {
      await listen(server as unknown as Server, port);
    },
  };
}

export async function startDynamo(): Promise<TestDynamo> {
  const server = dynalite({ createTableMs: 0 });
  const dynalitePort = await listen(server);
  const outage = await startOutageSwitch(dynalitePort);
  const endpoint = `http://127.0.0.1:${outage.port}`;
  const tableName = "Sessions-bff-test";
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "t", secretAccessKey: "t" },
    maxAttempts: 1,
  });
  await client.send(new CreateTableCommand(createTableInput(sessionsTable, tableName)));
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === "ACTIVE" && (Table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === "ACTIVE")) break;
  }
  return {
    endpoint,
    client,
    tableName,
    stop: () => outage.stop(),
    start: () => outage.start(),
    close: async () => {
      await outage.stop();
      await close(server);
    },
    count: async () => (await client.send(new ScanCommand({ TableName: tableName, Select: "COUNT", ConsistentRead: true }))).Count ?? 0,
  };
}

/** What the upstream API received. */
export interface UpstreamRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

/** A loopback API that records every request; `/local/hang` never answers, `/local/binary` answers bytes. */
export interface TestUpstream {
  baseUrl: string;
  requests: UpstreamRequest[];
  stop(): Promise<void>;
  start(): Promise<void>;
}

export const binaryPayload = Buffer.from([0, 1, 2, 253, 254, 255, 10, 13]);

async function startUpstream(): Promise<TestUpstream> {
  const requests: UpstreamRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      if (req.url?.startsWith("/local/hang")) return;
      if (req.url?.startsWith("/local/binary")) {
        res.writeHead(200, { "content-type": "image/png" });
        res.end(binaryPayload);
        return;
      }
      res.writeHead(req.url?.startsWith("/local/missing") ? 404 : 200, {
        "content-type": "application/json",
        "set-cookie": "upstream=1; Path=/",
        etag: '"v1"',
        server: "internal-api",
        "x-request-id": String(req.headers["x-request-id"] ?? ""),
      });
      res.end(JSON.stringify({ ok: true, path: req.url }));
    });
  });
  const port = await listen(server);
  return {
    baseUrl: `http://127.0.0.1:${port}/local`,
    requests,
    stop: () => close(server),
    start: async () => {
      await listen(server, port);
    },
  };
}

/** Every log line the BFF wrote, as JSON text. */
export interface CapturedLogs {
  lines: string[];
  logger: Logger;
}

function captureLogs(): CapturedLogs {
  const logger = createLogger("bff-test");
  const lines: string[] = [];
  for (const level of ["debug", "info", "warn", "error", "critical"] as const) {
    vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
      lines.push(
        JSON.stringify({ level, args }, (_key, value) => (value instanceof Error ? { name: value.name, message: value.message } : value)),
      );
    });
  }
  return { lines, logger };
}

export interface TestStack {
  /** The edge's origin. */
  app: string;
  /** Password of a demo user. */
  password(username: string): string;
  edge: RunningEdge;
  idp: LocalIdp;
  dynamo: TestDynamo;
  upstream: TestUpstream;
  config: BffConfig;
  sessions: SessionService;
  sealer: Sealer;
  logs: CapturedLogs;
  /** Seconds added to the BFF's clock. */
  clock: { offset: number };
  stop(): Promise<void>;
}

/** Starts the stack; `env` overrides BFF variables. */
export async function startStack(env: Record<string, string> = {}): Promise<TestStack> {
  const dynamo = await startDynamo();
  const upstream = await startUpstream();
  let handler: ((event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>) | undefined;
  const edge = await startEdge({
    port: 0,
    spa: { kind: "none" },
    bff: (event, context) => {
      if (!handler) throw new Error("BFF not ready");
      return handler(event, context);
    },
  });
  const idp = await startIdp({
    port: 0,
    keysDir: null,
    clients: {
      web: { ...webClient, redirectUris: [`${edge.url}/auth/callback`], postLogoutRedirectUris: [`${edge.url}/`] },
      m2m: { clientId: "local-m2m", clientSecret: "m2m-secret-for-tests" },
    },
  });
  const config = loadBffConfig({
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: webClient.clientId,
    OIDC_CLIENT_SECRET: webClient.clientSecret,
    APP_ORIGIN: edge.url,
    SESSION_TABLE: dynamo.tableName,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    KEY_PROVIDER: "local",
    LOCAL_KEY_FILE: join(tmpdir(), "unused-bff-test-key.json"),
    API_BASE_URL: upstream.baseUrl,
    UPSTREAM_TIMEOUT_MS: "1000",
    MAX_BODY_BYTES: "1024",
    AWS_REGION: "us-east-1",
    ...env,
  });
  const logs = captureLogs();
  const sealer = createSealer(createLocalKeyProvider({ key: randomBytes(32) }));
  const sessions = createSessionService({
    dynamodb: dynamo.client,
    tableName: dynamo.tableName,
    sealer,
    policy: config.session,
    logger: logs.logger,
  });
  const clock = { offset: 0 };
  handler = createBffHandler(config, { sessions, sealer, logger: logs.logger, now: () => Math.floor(Date.now() / 1000) + clock.offset });
  return {
    app: edge.url,
    password: (username) => passwords[username] ?? "",
    edge,
    idp,
    dynamo,
    upstream,
    config,
    sessions,
    sealer,
    logs,
    clock,
    stop: async () => {
      await edge.stop();
      await idp.stop();
      await upstream.stop();
      await dynamo.close();
      dynamo.client.destroy();
    },
  };
}
