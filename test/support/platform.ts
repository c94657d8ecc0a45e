/**
 * Test support for the fault, hostile-client and soak suites: the whole local
 * platform (dynalite, IdP, private API gateway, edge) on loopback port 0 with
 * in-memory stores, optionally with the edge's BFF rebuilt from the same
 * environment plus injected seams (a clock, a mocked KMS sealer, a log spy).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { type BffConfig, type BffDeps, type BffHandler, createBffHandler, loadBffConfig } from "@spa-bff/bff";
import type { Sealer, SessionService } from "@spa-bff/bff/session";
import { createLocalKeyProvider, createSealer, createSessionService } from "@spa-bff/bff/session";
import { createLogger, type Logger } from "@spa-bff/core";
import { type Platform, type PlatformOptions, startEdge, startPlatform } from "@spa-bff/local";

export interface TestPlatformOptions {
  bffEnv?: Record<string, string>;
  accessTokenTtlSeconds?: number;
  /**
   * Seams for a BFF that replaces the platform's own on the edge's port (the
   * IdP's redirect URI stays valid). Called with the parsed config and the
   * session layer the platform's BFF would use.
   */
  bffDeps?: (config: BffConfig, layer: { sealer: Sealer; sessions: SessionService }) => Partial<BffDeps>;
  platform?: Omit<PlatformOptions, "ports" | "dataDir" | "bffEnv" | "accessTokenTtlSeconds" | "spa">;
}

export interface TestPlatform {
  platform: Platform;
  /** The edge's origin, e.g. `http://localhost:41234`. */
  app: string;
  config: BffConfig;
  /** The session layer over the platform's sessions table and key file (inspection, forced expiry). */
  sessions: SessionService;
  sealer: Sealer;
  dynamodb: DynamoDBClient;
  /** Number of items in the sessions table. */
  sessionCount(): Promise<number>;
  /** Password of a demo user. */
  password(username: string): string;
  /**
   * Replaces the edge's BFF by a new instance (a cold Lambda container:
   * empty key caches, no discovery yet) with these seams. Only when the
   * platform was started with `bffDeps`.
   */
  restartBff(deps?: Partial<BffDeps>): void;
  stop(): Promise<void>;
}

/** Starts the platform with a per-run key file; everything else in memory. */
export async function startTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const dir = await mkdtemp(join(tmpdir(), "spa-bff-rel-"));
  const platform = await startPlatform({
    ...options.platform,
    ports: { edge: 0, idp: 0, api: 0, dynamo: 0 },
    dataDir: null,
    spa: { kind: "none" },
    bffEnv: { LOCAL_KEY_FILE: join(dir, "session-key.json"), ...options.bffEnv },
    ...(options.accessTokenTtlSeconds === undefined ? {} : { accessTokenTtlSeconds: options.accessTokenTtlSeconds }),
  });
  const config = loadBffConfig(platform.bffEnv);
  const dynamodb = new DynamoDBClient({
    endpoint: platform.urls.dynamo,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const sealer = createSealer(createLocalKeyProvider({ file: join(dir, "session-key.json") }));
  const sessions = createSessionService({ dynamodb, tableName: platform.tables.Sessions, sealer, policy: config.session });

  let ownEdge: Awaited<ReturnType<typeof startEdge>> | undefined;
  let handler: BffHandler | undefined;
  if (options.bffDeps) {
    handler = createBffHandler(config, options.bffDeps(config, { sealer, sessions }));
    await platform.parts.edge.stop();
    ownEdge = await startEdge({
      port: platform.ports.edge,
      spa: { kind: "none" },
      bff: (event, context) => (handler as BffHandler)(event, context),
    });
  }

  return {
    platform,
    app: platform.urls.app,
    config,
    sessions,
    sealer,
    dynamodb,
    sessionCount: async () =>
      (await dynamodb.send(new ScanCommand({ TableName: platform.tables.Sessions, Select: "COUNT", ConsistentRead: true }))).Count ?? 0,
    password: (username) => platform.users.find((user) => user.username === username)?.password ?? "",
    restartBff: (deps = {}) => {
      if (!ownEdge) throw new Error("restartBff needs a platform started with bffDeps");
      handler = createBffHandler(config, deps);
    },
    stop: async () => {
      await ownEdge?.stop();
      await platform.stop();
      dynamodb.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A logger whose every line is also kept as JSON text, to assert that no secret is ever logged. */
export function recordingLogger(name: string): { logger: Logger; lines: string[] } {
  const logger = createLogger(name);
  const lines: string[] = [];
  for (const level of ["debug", "info", "warn", "error", "critical"] as const) {
    const original = logger[level].bind(logger);
    logger[level] = ((...args: unknown[]) => {
      lines.push(
        JSON.stringify({ level, args }, (_key, value) => (value instanceof Error ? { name: value.name, message: value.message } : value)),
      );
      if (process.env.REL_TEST_LOGS === "1") (original as (...a: unknown[]) => void)(...args);
    }) as Logger[typeof level];
  }
  return { logger, lines };
}

/** Every unhandled rejection while a suite runs; a fault must never leave one behind. */
export function watchUnhandledRejections(): { reasons: unknown[]; dispose(): void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  process.on("unhandledRejection", listener);
  return { reasons, dispose: () => process.off("unhandledRejection", listener) };
}
