import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Session } from "@spa-bff/bff/session";
// The session layer is not on @spa-bff/bff's public surface; the bench reads it like the test harness does.
import { createDynamoSessionStore, createLocalKeyProvider, createSealer, createSessions } from "@spa-bff/bff/session";
import { createIdentifierHash } from "@spa-bff/core";
import { type Platform, startPlatform } from "@spa-bff/local";
import { createBrowser, loginAtIdp } from "./browser.ts";

export const sessionCookieName = "__Host-session";

/** The local platform on free ports, in memory, with alice logged in through the edge. */
export interface BenchPlatform {
  platform: Platform;
  /** The BFF's local session key file (in a temp folder), shared with the cold-start processes. */
  keyFile: string;
  workDir: string;
  /** alice's session as the BFF stored it (her id is the cookie value). */
  session: Session;
  /** `__Host-session=<id>`: what the browser sends to the edge. */
  cookie: string;
  /** The access token the BFF forwards for alice; the upstream baseline sends it directly. */
  accessToken: string;
  stop(): Promise<void>;
}

/** The headers the SPA's client sends on a JSON call to the BFF. */
export function spaHeaders(appOrigin: string, cookie: string): Record<string, string> {
  return { cookie, "x-csrf": "1", origin: appOrigin, "sec-fetch-site": "same-origin", accept: "application/json" };
}

/**
 * Starts the platform (dynalite, IdP, gateway, edge + BFF) and logs alice in as a browser does.
 * `maxConcurrency` is each function pool's instance limit (`npm start` has 10): a load at N
 * connections through the platform's edge needs N instances of the BFF and of the items API.
 */
export async function startBenchPlatform(options: { maxConcurrency?: number } = {}): Promise<BenchPlatform> {
  const workDir = await mkdtemp(join(tmpdir(), "spa-bff-bench-"));
  const keyFile = join(workDir, "session-key.json");
  const platform = await startPlatform({
    ports: { edge: 0, idp: 0, api: 0, dynamo: 0 },
    dataDir: null,
    spa: { kind: "none" },
    bffEnv: { LOCAL_KEY_FILE: keyFile },
    ...(options.maxConcurrency ? { functions: { maxConcurrency: options.maxConcurrency } } : {}),
  });
  const dynamodb = new DynamoDBClient({
    endpoint: platform.urls.dynamo,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  try {
    const alice = platform.users.find((user) => user.username === "alice");
    if (!alice) throw new Error("the platform has no demo user alice");
    const browser = createBrowser();
    const app = platform.urls.app;
    const back = await loginAtIdp(browser, `${app}/auth/login?returnTo=/`, alice, `${app}/auth/callback`);
    if (!back.location) throw new Error(`the IdP did not send alice back to the BFF (HTTP ${back.status})`);
    const done = await browser.request(back.location);
    const sessionId = browser.cookie(new URL(app).hostname, sessionCookieName);
    if (!sessionId) throw new Error(`the callback set no session cookie (HTTP ${done.status})`);

    const sealer = createSealer(createLocalKeyProvider({ file: keyFile }));
    const sessions = createSessions({
      store: createDynamoSessionStore({ client: dynamodb, tableName: platform.tables.Sessions }),
      sealer,
      policy: platform.bffConfig.session,
      hash: createIdentifierHash(platform.bffConfig.identifierHashKey),
    });
    const session = await sessions.get(sessionId, Math.floor(Date.now() / 1000));
    if (!session) throw new Error("alice's session is not in the sessions table");
    return {
      platform,
      keyFile,
      workDir,
      session,
      cookie: `${sessionCookieName}=${sessionId}`,
      accessToken: session.tokens.accessToken,
      stop: async () => {
        dynamodb.destroy();
        await platform.stop();
      },
    };
  } catch (error) {
    dynamodb.destroy();
    await platform.stop();
    throw error;
  }
}
