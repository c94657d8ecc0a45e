import { randomBytes } from "node:crypto";
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { createBffHandler, loadBffConfig } from "@spa-bff/bff";
import { createDynamoSessionStore, createKmsKeyProvider, createSealer, createSessions } from "@spa-bff/bff/session";
import { createIdentifierHash, createLogger } from "@spa-bff/core";
import { startTestDynamo, type TestDynamo } from "@spa-bff/local/testing";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const origin = "https://app.example";
const config = loadBffConfig({
  OIDC_ISSUER: "https://idp.example",
  OIDC_CLIENT_ID: "web",
  OIDC_CLIENT_SECRET: "web-secret",
  APP_ORIGIN: origin,
  SESSION_TABLE: "Sessions-test",
  IDENTIFIER_HASH_KEY: "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWg",
  KEY_PROVIDER: "kms",
  KMS_KEY_ID: "alias/bff-session",
  API_BASE_URL: "https://api.example/prod",
});

/** KMS as aws-sdk-client-mock plays it: data keys are random, "encrypted" by a lookup table only this double holds. */
const kms = new KMSClient({ region: "us-east-1", credentials: { accessKeyId: "t", secretAccessKey: "t" } });
const kmsMock = mockClient(kms);
const wrapped = new Map<string, Uint8Array>();

function healthyKms() {
  kmsMock.reset();
  kmsMock.on(GenerateDataKeyCommand).callsFake(() => {
    const plaintext = new Uint8Array(randomBytes(32));
    const blob = new Uint8Array(randomBytes(48));
    wrapped.set(Buffer.from(blob).toString("hex"), plaintext);
    return { Plaintext: plaintext, CiphertextBlob: blob, KeyId: "alias/bff-session" };
  });
  kmsMock.on(DecryptCommand).callsFake((input: { CiphertextBlob?: Uint8Array }) => {
    const plaintext = wrapped.get(Buffer.from(input.CiphertextBlob ?? []).toString("hex"));
    if (!plaintext) throw Object.assign(new Error("invalid ciphertext"), { name: "InvalidCiphertextException" });
    return { Plaintext: plaintext, KeyId: "alias/bff-session" };
  });
}

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});

afterAll(async () => {
  await dynamo?.close();
});

beforeEach(() => {
  healthyKms();
});

function stackWithFreshKeyCache() {
  const sealer = createSealer(createKmsKeyProvider({ client: kms, keyId: "alias/bff-session" }));
  const sessionStore = createDynamoSessionStore({ client: dynamo.client, tableName: dynamo.tableName });
  const sessions = createSessions({
    store: sessionStore,
    sealer,
    policy: config.session,
    hash: createIdentifierHash(config.identifierHashKey),
  });
  const logger = createLogger("bff-kms-test");
  const handler = createBffHandler(config, { sessionStore, sealer, logger });
  return { sessions, handler };
}

function sessionEvent(cookie: string): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/auth/session",
    rawQueryString: "",
    cookies: [`__Host-session=${cookie}`],
    headers: { "x-csrf": "1", origin },
    requestContext: { http: { method: "GET", path: "/auth/session" }, requestId: "r1" },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

const now = () => Math.floor(Date.now() / 1000);

describe("BFF with the KMS key provider", () => {
  it("answers a warm /auth/session without any KMS call", async () => {
    // Prepare
    const { sessions, handler } = stackWithFreshKeyCache();
    const session = await sessions.create(
      {
        signInMethod: "password",
        device: "Firefox on Linux",
        user: { sub: "u1", name: "U" },
        tokens: { accessToken: "at-kms-test-0001", accessTokenExpiresAt: now() + 3600 },
      },
      now(),
    );
    await handler(sessionEvent(session.id));
    const calls = kmsMock.calls().length;
    // Act
    const response = await handler(sessionEvent(session.id));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? "")).toMatchObject({ authenticated: true, user: { sub: "u1" } });
    expect(kmsMock.calls().length).toBe(calls);
  });

  it("answers 503 session_store_unavailable and keeps the cookie when KMS fails, and the session works once KMS is back", async () => {
    // Prepare: a session sealed by one instance, read by a cold one while KMS is down
    const writer = stackWithFreshKeyCache();
    const session = await writer.sessions.create(
      {
        signInMethod: "password",
        device: "Firefox on Linux",
        user: { sub: "u2" },
        tokens: { accessToken: "at-kms-test-0002", accessTokenExpiresAt: now() + 3600 },
      },
      now(),
    );
    const reader = stackWithFreshKeyCache();
    kmsMock.on(DecryptCommand).rejects(Object.assign(new Error("connect ETIMEDOUT"), { name: "TimeoutError" }));
    // Act
    const down = await reader.handler(sessionEvent(session.id));
    healthyKms();
    const back = await reader.handler(sessionEvent(session.id));
    // Assess
    expect(down.statusCode).toBe(503);
    expect(JSON.parse(down.body ?? "")).toEqual({
      error: "session_store_unavailable",
      message: "The session store is unavailable, try again shortly",
    });
    expect(down.cookies ?? []).toEqual([]);
    expect(back.statusCode).toBe(200);
    expect(JSON.parse(back.body ?? "")).toMatchObject({ authenticated: true, user: { sub: "u2" } });
  });
});
