import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import type { BffAdapters, BffConfig } from "@spa-bff/bff";
import {
  createDynamoSessionStore,
  createLocalKeyProvider,
  createSealer,
  createSessions,
  type Sealer,
  type SessionService,
  type SessionStore,
} from "@spa-bff/bff/session";
import { createIdentifierHash } from "@spa-bff/core";
import { type Platform, type PlatformOptions, startPlatform } from "../platform.ts";
import { type RecordingUpstream, startRecordingUpstream } from "./recording-upstream.ts";

export interface TestPlatformOptions {
  /** Extra BFF environment over the platform's (timeouts, body limits, session lifetimes). */
  bffEnv?: Record<string, string>;
  /** What the proxy calls: the platform's private API (default), or a recording stand-in for the proxy's own tests. */
  upstream?: "api" | "recording";
  /**
   * Seams for a BFF that runs in this process (a clock, a logger, a mocked
   * KMS sealer), given the parsed config and the harness's session layer.
   */
  bffAdapters?: (config: BffConfig, layer: { sealer: Sealer; sessionStore: SessionStore }) => Partial<BffAdapters>;
  platform?: Omit<PlatformOptions, "ports" | "dataDir" | "bffEnv" | "spa" | "apiBaseUrl" | "bffAdapters">;
}

/** The local platform under test, with what tests inspect. */
export interface TestPlatform {
  platform: Platform;
  /** The edge's origin, e.g. `http://localhost:41234`. */
  app: string;
  config: BffConfig;
  /** The session layer over the platform's sessions table and key (inspection, forced expiry). */
  sessions: SessionService;
  sessionStore: SessionStore;
  sealer: Sealer;
  /** An admin client of the platform's DynamoDB. */
  dynamodb: DynamoDBClient;
  /** The recording stand-in for the private API, when asked for. */
  upstream: RecordingUpstream | undefined;
  /** Number of items in the sessions table. */
  sessionCount(): Promise<number>;
  /** Password of a demo user. */
  password(username: string): string;
  /** Replaces the edge's BFF by a new in-process instance (a cold start) with these adapters. */
  restartBff(adapters?: Partial<BffAdapters>): void;
  stop(): Promise<void>;
}

/**
 * The one integration harness: the whole local platform (dynalite, IdP,
 * private API, edge, S3) on loopback port 0, everything in memory, with the
 * session layer and an admin DynamoDB client beside it for inspection.
 *
 * @example
 * const tp = await startTestPlatform({ upstream: "recording", bffEnv: { UPSTREAM_TIMEOUT_MS: "1000" } });
 */
export async function startTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const upstream = options.upstream === "recording" ? await startRecordingUpstream() : undefined;
  let layer: { sealer: Sealer; sessionStore: SessionStore } | undefined;
  const platform = await startPlatform({
    ...options.platform,
    ports: { edge: 0, idp: 0, api: 0, dynamo: 0 },
    dataDir: null,
    spa: { kind: "none" },
    ...(options.bffEnv ? { bffEnv: options.bffEnv } : {}),
    ...(upstream ? { apiBaseUrl: upstream.baseUrl } : {}),
    ...(options.bffAdapters
      ? {
          bffAdapters: (config: BffConfig) => {
            layer ??= sessionLayer(config);
            return options.bffAdapters?.(config, layer) ?? {};
          },
        }
      : {}),
  }).catch(async (error: unknown) => {
    await upstream?.stop();
    throw error;
  });
  const config = platform.bffConfig;
  const dynamodb = adminClient(platform.urls.dynamo);
  layer ??= sessionLayer(config);
  const { sealer, sessionStore } = layer;
  const sessions = createSessions({
    store: sessionStore,
    sealer,
    policy: config.session,
    hash: createIdentifierHash(config.identifierHashKey),
  });

  return {
    platform,
    app: platform.urls.app,
    config,
    sessions,
    sessionStore,
    sealer,
    dynamodb,
    upstream,
    sessionCount: async () =>
      (
        await dynamodb.send(
          new ScanCommand({
            TableName: platform.tables.Sessions,
            Select: "COUNT",
            ConsistentRead: true,
            // Sessions only: back-channel logout's links and markers share the table.
            FilterExpression: "begins_with(sk, :session)",
            ExpressionAttributeValues: { ":session": { S: "s#" } },
          }),
        )
      ).Count ?? 0,
    password: (username) => platform.users.find((user) => user.username === username)?.password ?? "",
    restartBff: (adapters = {}) => platform.replaceBff(adapters),
    stop: async () => {
      await platform.stop();
      await upstream?.stop();
      dynamodb.destroy();
    },
  };
}

function adminClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
}

/** A session layer over the platform's table and key file: the same sessions the platform's BFF reads and writes. */
function sessionLayer(config: BffConfig): { sealer: Sealer; sessionStore: SessionStore } {
  if (config.keyProvider.kind !== "local" || !config.dynamodbEndpoint) {
    throw new Error("the test platform's BFF must use the local key provider and the local DynamoDB");
  }
  return {
    sealer: createSealer(createLocalKeyProvider({ file: config.keyProvider.file })),
    sessionStore: createDynamoSessionStore({ client: adminClient(config.dynamodbEndpoint), tableName: config.sessionTable }),
  };
}
