/**
 * Test support (not exported): the environments, events and assertion
 * helpers the BFF's unit tests share, so each test states only what differs.
 */
import { randomBytes } from "node:crypto";
import { createIdentifierHash } from "@spa-bff/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { createLocalKeyProvider } from "../session/local-key-provider.ts";
import { createSealer } from "../session/sealer.ts";
import { createSessions } from "../session/sessions.ts";
import type { SessionPolicy } from "../session/types.ts";
import { createMemorySessionStore } from "./memory-session-store.ts";

/** The SPA's origin in handler tests. */
export const testOrigin = "https://app.example";

/** A fixed "now" (epoch seconds) for handler tests. */
export const testNow = 1_800_000_000;

/** The identifier hash key of the fixtures (base64url of 32 bytes). */
export const testIdentifierHashKey = Buffer.alloc(32, 0x5a).toString("base64url");

/** The keyed hash the fixtures' sessions and handlers use. */
export const testHash = createIdentifierHash(Buffer.from(testIdentifierHashKey, "base64url"));

/** How the fixtures' users signed in, for sessions a test creates directly. */
export const testSignIn = { signInMethod: "password", device: "Firefox on Linux" } as const;

/** A deployed BFF's environment: Cognito issuer, KMS-sealed sessions, CloudFront origin. */
export const deployedEnv = {
  OIDC_ISSUER: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc",
  OIDC_CLIENT_ID: "web",
  OIDC_CLIENT_SECRET: "secret",
  APP_ORIGIN: "https://d111.cloudfront.net",
  SESSION_TABLE: "Sessions",
  IDENTIFIER_HASH_KEY: testIdentifierHashKey,
  KEY_PROVIDER: "kms",
  KMS_KEY_ID: "alias/bff",
  API_BASE_URL: "https://abc.execute-api.eu-west-1.amazonaws.com/prod/",
};

/** A handler test's environment: the key file is never read, since tests inject a sealer. */
export const handlerEnv = {
  OIDC_ISSUER: "https://idp.example",
  OIDC_CLIENT_ID: "web",
  OIDC_CLIENT_SECRET: "web-secret",
  APP_ORIGIN: testOrigin,
  SESSION_TABLE: "Sessions",
  IDENTIFIER_HASH_KEY: testIdentifierHashKey,
  KEY_PROVIDER: "local",
  LOCAL_KEY_FILE: "/nonexistent/key.json",
  API_BASE_URL: "https://api.example/prod",
};

/** What `action` threw; fails the test when it throws nothing. */
export function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a refusal");
}

export interface EventInit {
  /** The `__Host-session` cookie's value. */
  cookie?: string;
  /** Merged over the SPA's `x-csrf` and `origin`. */
  headers?: Record<string, string>;
  /** A string is sent as is, anything else as JSON. */
  body?: unknown;
  base64?: boolean;
  query?: string;
}

/** A Lambda function URL event as the SPA's call produces it (request id `req-42`). */
export function functionUrlEvent(method: string, rawPath: string, init: EventInit = {}): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString: init.query ?? "",
    ...(init.cookie ? { cookies: [`__Host-session=${init.cookie}`] } : {}),
    headers: { "x-csrf": "1", origin: testOrigin, ...(init.headers ?? {}) },
    requestContext: { http: { method, path: rawPath }, requestId: "req-42" },
    body: init.body === undefined || typeof init.body === "string" ? init.body : JSON.stringify(init.body),
    isBase64Encoded: init.base64 ?? false,
  } as unknown as APIGatewayProxyEventV2;
}

/** The real session rules over an in-memory store, sealed under a random in-memory key: what the HTTP layer's unit tests run on. */
export function memorySessionLayer(policy: SessionPolicy = { idleSeconds: 1800, absoluteSeconds: 28800, touchIntervalSeconds: 300 }) {
  const store = createMemorySessionStore();
  const sealer = createSealer(createLocalKeyProvider({ key: randomBytes(32) }));
  const sessions = createSessions({ store, sealer, policy, hash: testHash });
  return { store, sealer, sessions };
}
