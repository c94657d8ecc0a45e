import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { type AttributeValue, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { createBffHandler, loadBffConfig } from "@spa-bff/bff";
import type { SessionUser, TokenSet } from "@spa-bff/bff/session";
import { createDynamoSessionStore, createKmsKeyProvider, createSealer, createSessions, sessionKeyOf } from "@spa-bff/bff/session";
import { createHttpTransport } from "@spa-bff/bff/transport";
import { createIdentifierHash } from "@spa-bff/core";
import { createDynamoClient } from "@spa-bff/core/dynamo";
import { functionUrlGet } from "../lib/events.ts";
import { round, summarize } from "../lib/stats.ts";
import { type CallCounts, countCommands, countingFetch, createOfflineKmsClient, reset, total } from "./counters.ts";

export interface BffWarmInput {
  dynamoEndpoint: string;
  sessionsTable: string;
  /** A loopback upstream that answers every request at once (the API's cost is not the BFF's). */
  upstreamUrl: string;
  /** Where the upstream tells how many requests it has served (the BFF's own HTTP client has no seam to count on). */
  upstreamCountUrl: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  appOrigin: string;
  user: SessionUser;
  tokens: TokenSet;
  requests: number;
  rpsSeconds: number;
  rpsConcurrency: number;
}

export interface PerRequestCounts {
  dynamodb: Record<string, number>;
  dynamodbWrites: number;
  kms: number;
  idp: number;
  upstream: number;
}

export interface BffWarmResult {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Requests per second of this process with `rpsConcurrency` requests in flight (dynalite and the upstream run in another process). */
  rps: number;
  /** CPU time this process spent per request in that run (BFF, SDK and HTTP client): 1000 / this is the CPU-bound ceiling of one core. */
  cpuMsPerRequest: number;
  /** CPU per request in the latency run, one request at a time as a Lambda instance serves them (no batching across requests). */
  cpuMsPerSequentialRequest: number;
  perRequest: PerRequestCounts;
  /** The first request of a fresh handler on an existing session (it decrypts the data key once). */
  firstRequest: PerRequestCounts & { ms: number };
  /** p50/p99 of one strongly consistent GetItem of the session on the same dynalite. */
  getItem: { p50Ms: number; p99Ms: number };
  /**
   * The least the packages the BFF must use cost per warm request, measured
   * in turns with the handler's one-at-a-time requests in the same process:
   * one `GetItem` of the session through the BFF's DynamoDB client (the AWS
   * SDK over HTTP) and one `GET` of the upstream through its HTTP transport
   * (Node's `http`), each one at a time. What the handler spends beyond their
   * sum is its own code, crypto and middy.
   */
  floor: { getItemCpuMs: number; upstreamGetCpuMs: number };
  /** The stored session item's size by DynamoDB's rules; a strongly consistent read costs one RRU per 4 KB. */
  sessionItemBytes: number;
  readUnitsPerRead: number;
  requests: number;
  statuses: Record<string, number>;
}

const writeOperations = new Set(["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"]);

/**
 * Runs the BFF handler in-process (as Lambda would), with a real session in
 * dynalite, sessions sealed under a KMS key provider, and every outside call
 * counted: DynamoDB and KMS by SDK middleware, the IdP and the upstream by
 * their fetch seams.
 */
export async function measureBffWarm(input: BffWarmInput): Promise<BffWarmResult> {
  const dynamoCounts: CallCounts = {};
  const kmsCounts: CallCounts = {};
  const idpCounts: CallCounts = {};
  const upstreamCounts: CallCounts = {};
  const local = { endpoint: input.dynamoEndpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };
  const kmsClient = createOfflineKmsClient();
  countCommands(kmsClient, kmsCounts);

  const config = loadBffConfig({
    OIDC_ISSUER: input.issuer,
    OIDC_CLIENT_ID: input.clientId,
    OIDC_CLIENT_SECRET: input.clientSecret,
    APP_ORIGIN: input.appOrigin,
    API_BASE_URL: input.upstreamUrl,
    SESSION_TABLE: input.sessionsTable,
    IDENTIFIER_HASH_KEY: randomBytes(32).toString("base64url"),
    DYNAMODB_ENDPOINT: input.dynamoEndpoint,
    KEY_PROVIDER: "kms",
    KMS_KEY_ID: "alias/bench-sessions",
    AWS_REGION: "us-east-1",
  });

  // The session is created by "another container" (its own key provider over the same KMS), so the measured
  // handler starts with an empty data-key cache, as a Lambda instance does.
  const creatorSealer = createSealer(createKmsKeyProvider({ client: kmsClient, keyId: "alias/bench-sessions" }));
  const creatorClient = new DynamoDBClient(local);
  const creator = createSessions({
    store: createDynamoSessionStore({ client: creatorClient, tableName: input.sessionsTable }),
    sealer: creatorSealer,
    policy: config.session,
    hash: createIdentifierHash(config.identifierHashKey),
  });
  const now = () => Math.floor(Date.now() / 1000);
  const session = await creator.create(
    { user: input.user, tokens: { ...input.tokens, accessTokenExpiresAt: now() + 3600 }, signInMethod: "password", device: "Benchmark" },
    now(),
  );

  // The deployed function's own DynamoDB client and upstream HTTP client: only the KMS backend and the IdP's fetch are stand-ins.
  const dynamodb = createDynamoClient({ region: config.region, endpoint: config.dynamodbEndpoint });
  countCommands(dynamodb, dynamoCounts);
  const sealer = createSealer(createKmsKeyProvider({ client: kmsClient, keyId: "alias/bench-sessions" }));
  const handler = createBffHandler(config, {
    sessionStore: createDynamoSessionStore({ client: dynamodb, tableName: input.sessionsTable }),
    sealer,
    idpFetch: countingFetch(idpCounts),
    clock: now,
  });
  const upstreamServed = async () => ((await (await fetch(input.upstreamCountUrl)).json()) as { requests: number }).requests;
  let upstreamBase = 0;
  const headers = {
    cookie: `__Host-session=${session.id}`,
    "x-csrf": "1",
    origin: input.appOrigin,
    "sec-fetch-site": "same-origin",
    accept: "application/json",
  };
  const statuses: Record<string, number> = {};
  const call = async () => {
    const response = await handler(functionUrlGet("/api/items", headers, new URL(input.appOrigin).hostname));
    const key = String(response.statusCode);
    statuses[key] = (statuses[key] ?? 0) + 1;
  };
  const all = [dynamoCounts, kmsCounts, idpCounts, upstreamCounts];
  const resetAll = async () => {
    for (const counts of all) reset(counts);
    upstreamBase = await upstreamServed();
  };
  const snapshot = async (requests: number): Promise<PerRequestCounts> => {
    upstreamCounts.served = (await upstreamServed()) - upstreamBase;
    return counted(requests);
  };
  const counted = (requests: number): PerRequestCounts => ({
    dynamodb: Object.fromEntries(Object.entries(dynamoCounts).map(([name, count]) => [name, round(count / requests, 4)])),
    dynamodbWrites: round(
      Object.entries(dynamoCounts).reduce((sum, [name, count]) => sum + (writeOperations.has(name) ? count : 0), 0) / requests,
      4,
    ),
    kms: round(total(kmsCounts) / requests, 4),
    idp: round(total(idpCounts) / requests, 4),
    upstream: round(total(upstreamCounts) / requests, 4),
  });

  await resetAll();
  const firstStart = performance.now();
  await call();
  const firstMs = round(performance.now() - firstStart);
  const firstRequest = { ...(await snapshot(1)), ms: firstMs };

  for (let i = 0; i < 200; i += 1) await call();
  await resetAll();
  const latencies: number[] = [];
  for (let i = 0; i < input.requests; i += 1) {
    const start = performance.now();
    await call();
    latencies.push(performance.now() - start);
  }
  const perRequest = await snapshot(input.requests);

  let completed = 0;
  const deadline = performance.now() + input.rpsSeconds * 1000;
  const rpsStart = performance.now();
  const cpuStart = process.cpuUsage();
  await Promise.all(
    Array.from({ length: input.rpsConcurrency }, async () => {
      while (performance.now() < deadline) {
        await call();
        completed += 1;
      }
    }),
  );
  const rps = completed / ((performance.now() - rpsStart) / 1000);
  const cpu = process.cpuUsage(cpuStart);
  const cpuMsPerRequest = cpuMs(cpu) / Math.max(1, completed);

  const sessionKey = sessionKeyOf(session.id);
  if (!sessionKey) throw new Error("the benchmark's session id is not one the BFF issues");
  const key = { pk: { S: sessionKey.pk }, sk: { S: sessionKey.sk } };
  // Configured as the BFF's own client, without the counting middleware.
  const timingClient = createDynamoClient({ region: config.region, endpoint: config.dynamodbEndpoint });
  const getItem = () => timingClient.send(new GetItemCommand({ TableName: input.sessionsTable, Key: key, ConsistentRead: true }));
  // The upstream request the proxy sends for this call: the same URL, a bearer token as long as alice's, no body.
  const transport = createHttpTransport();
  const upstreamRequest = {
    url: new URL("/items", input.upstreamUrl),
    method: "GET",
    headers: {
      authorization: `Bearer ${input.tokens.accessToken}`,
      accept: "application/json",
      "x-request-id": randomBytes(16).toString("hex"),
    },
    body: undefined,
    timeoutMs: 10_000,
  };
  const upstreamGet = () => transport(upstreamRequest);
  for (let i = 0; i < 100; i += 1) {
    await getItem();
    await upstreamGet();
  }

  // One request at a time, as an instance serves them, once the code is optimised (process CPU also counts V8's
  // compiler and GC threads). The handler and its two outside calls alone take turns in rounds, so a GC or a slower
  // minute weighs on all three alike.
  const rounds = 3;
  const perRound = Math.ceil(input.requests / rounds);
  const spent = { handler: 0, getItem: 0, upstream: 0 };
  const getItemTimes: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    let start = process.cpuUsage();
    for (let i = 0; i < perRound; i += 1) await call();
    spent.handler += cpuMs(process.cpuUsage(start));
    start = process.cpuUsage();
    for (let i = 0; i < perRound; i += 1) {
      const began = performance.now();
      await getItem();
      getItemTimes.push(performance.now() - began);
    }
    spent.getItem += cpuMs(process.cpuUsage(start));
    start = process.cpuUsage();
    for (let i = 0; i < perRound; i += 1) await upstreamGet();
    spent.upstream += cpuMs(process.cpuUsage(start));
  }
  const sequentialCalls = rounds * perRound;
  const getItemTiming = summarize(getItemTimes);

  const stored = await creatorClient.send(new GetItemCommand({ TableName: input.sessionsTable, Key: key, ConsistentRead: true }));
  const sessionItemBytes = itemBytes(stored.Item ?? {});
  await creator.delete(session.id);
  dynamodb.destroy();
  creatorClient.destroy();
  timingClient.destroy();

  const latency = summarize(latencies);
  return {
    p50Ms: latency.p50Ms,
    p90Ms: latency.p90Ms,
    p99Ms: latency.p99Ms,
    rps: Math.round(rps),
    cpuMsPerRequest: round(cpuMsPerRequest, 3),
    cpuMsPerSequentialRequest: round(spent.handler / sequentialCalls, 3),
    perRequest,
    firstRequest,
    getItem: { p50Ms: getItemTiming.p50Ms, p99Ms: getItemTiming.p99Ms },
    floor: { getItemCpuMs: round(spent.getItem / sequentialCalls, 3), upstreamGetCpuMs: round(spent.upstream / sequentialCalls, 3) },
    sessionItemBytes,
    readUnitsPerRead: Math.max(1, Math.ceil(sessionItemBytes / 4096)),
    requests: input.requests,
    statuses,
  };
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** An item's size as DynamoDB bills it: attribute names plus values (strings and binaries by bytes, numbers about 1 byte per 2 digits). */
function itemBytes(item: Record<string, AttributeValue>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (value.S !== undefined) bytes += Buffer.byteLength(value.S);
    else if (value.N !== undefined) bytes += Math.ceil(value.N.replace(/^-|\./g, "").length / 2) + 1;
    else if (value.B !== undefined) bytes += value.B.length;
    else if (value.BOOL !== undefined || value.NULL !== undefined) bytes += 1;
    else if (value.M !== undefined) bytes += 3 + itemBytes(value.M);
    else bytes += Buffer.byteLength(JSON.stringify(value));
  }
  return bytes;
}
