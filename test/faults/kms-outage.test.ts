/**
 * Fault injection: KMS failing, through the mocked KMS client
 * (aws-sdk-client-mock). The BFF on the edge seals with the KMS key provider
 * instead of the local key file; DynamoDB, the IdP and the API are the
 * platform's real ones.
 */
import type { BffAdapters } from "@spa-bff/bff";
import { createKmsKeyProvider, createSealer } from "@spa-bff/bff/session";
import { createFakeKms } from "@spa-bff/bff/testing";
import { startTestPlatform, type TestPlatform } from "@spa-bff/local/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, login, spaHeaders } from "../support/browser.ts";
import { watchUnhandledRejections } from "../support/faults.ts";

const storeDown = { error: "session_store_unavailable", message: "The session store is unavailable, try again shortly" };
const kms = createFakeKms();
/** The mocked KMS behind an outage switch: while `down`, every call fails as KMS does in an outage. */
const outage = { down: false, failures: 0 };
const switchedClient = {
  send: (command: Parameters<typeof kms.client.send>[0]) => {
    if (outage.down) {
      outage.failures++;
      return Promise.reject(kmsOutage());
    }
    return kms.client.send(command);
  },
} as unknown as typeof kms.client;
const rejections = watchUnhandledRejections();
let tp: TestPlatform;

/** A new BFF instance: its own KMS key provider, so its data-key caches start empty (a cold Lambda container). */
const coldInstance = (): Partial<BffAdapters> => ({
  sealer: createSealer(createKmsKeyProvider({ client: switchedClient, keyId: kms.keyId })),
});

function kmsOutage(): Error {
  return Object.assign(new Error("KMS is unavailable"), { name: "KMSInternalException", $fault: "server" });
}

beforeAll(async () => {
  tp = await startTestPlatform({ bffAdapters: () => coldInstance() });
});

afterAll(async () => {
  rejections.dispose();
  await tp?.stop();
});

describe("KMS fails", () => {
  it("answers 503 session_store_unavailable to /auth/login when no data key can be made, and logs in once KMS is back", async () => {
    // Prepare: a fresh instance has no data key yet
    tp.restartBff(coldInstance());
    outage.down = true;
    let down: Awaited<ReturnType<Browser["request"]>>;
    try {
      // Act
      down = await new Browser().request(`${tp.app}/auth/login`);
    } finally {
      outage.down = false;
    }
    const up = await login(tp, new Browser(), "alice");
    // Assess
    expect(down.status).toBe(503);
    expect(down.json()).toEqual(storeDown);
    expect(down.setCookies).toEqual([]);
    expect(up.answer.status).toBe(302);
  });

  it("keeps serving a warm instance from its data-key cache while KMS fails", async () => {
    // Prepare
    const browser = new Browser();
    await login(tp, browser, "bob");
    await browser.request(`${tp.app}/auth/session`, { headers: spaHeaders(tp.app) });
    const failures = outage.failures;
    outage.down = true;
    let answer: Awaited<ReturnType<Browser["request"]>>;
    try {
      // Act
      answer = await browser.request(`${tp.app}/api/items`, { headers: spaHeaders(tp.app) });
    } finally {
      outage.down = false;
    }
    // Assess
    expect(answer.status).toBe(200);
    expect(outage.failures).toBe(failures);
  });

  it("answers 503 and keeps the cookie on a cold instance while KMS fails; the same cookie works once KMS is back", async () => {
    // Prepare
    const browser = new Browser();
    const { sessionId } = await login(tp, browser, "alice");
    tp.restartBff(coldInstance());
    outage.down = true;
    let session: Awaited<ReturnType<Browser["request"]>>;
    let api: Awaited<ReturnType<Browser["request"]>>;
    try {
      // Act
      session = await browser.request(`${tp.app}/auth/session`, { headers: spaHeaders(tp.app) });
      api = await browser.request(`${tp.app}/api/items`, { headers: spaHeaders(tp.app) });
    } finally {
      outage.down = false;
    }
    const after = await browser.request(`${tp.app}/auth/session`, { headers: spaHeaders(tp.app) });
    // Assess
    for (const answer of [session, api]) {
      expect(answer.status).toBe(503);
      expect(answer.json()).toEqual(storeDown);
      expect(answer.setCookies).toEqual([]);
    }
    expect(after.json()).toMatchObject({ authenticated: true, user: { name: "Alice Anderson" } });
    expect(browser.cookie(new URL(tp.app).hostname, "__Host-session")).toBe(sessionId);
  });

  it("recovers from a single failed KMS call: the next request succeeds without a new login", async () => {
    // Prepare
    const browser = new Browser();
    await login(tp, browser, "bob");
    tp.restartBff(coldInstance());
    kms.fail(kmsOutage(), 1);
    // Act
    const first = await browser.request(`${tp.app}/auth/session`, { headers: spaHeaders(tp.app) });
    const second = await browser.request(`${tp.app}/auth/session`, { headers: spaHeaders(tp.app) });
    // Assess
    expect(first.status).toBe(503);
    expect(second.json()).toMatchObject({ authenticated: true, user: { name: "Bob Brown" } });
  });

  it("left no unhandled rejection", () => {
    expect(rejections.reasons).toEqual([]);
  });
});
