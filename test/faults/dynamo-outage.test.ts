/**
 * Fault injection: the platform's dynalite stops answering (its listener
 * closed, its in-memory data kept) and comes back on the same port.
 */

import { startTestPlatform, type TestPlatform } from "@spa-bff/local/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Answer, Browser, login, loginUntilCallback, spaHeaders } from "../support/browser.ts";
import { watchUnhandledRejections } from "../support/faults.ts";

const storeDown = { error: "session_store_unavailable", message: "The session store is unavailable, try again shortly" };
const rejections = watchUnhandledRejections();
let tp: TestPlatform;

beforeAll(async () => {
  // A burst of twelve calls needs twelve BFF instances at once; fewer would throttle some (429), as Lambda does.
  tp = await startTestPlatform({ platform: { functions: { maxConcurrency: 16 } } });
  // Provisioned concurrency, a few at a time: the burst measures the store's outage, not twelve cold starts on two cores.
  for (let started = 0; started < 12; started += 4) await tp.platform.provision(["bffApi"], 4);
  await tp.platform.provision(["authorizer", "items"], 2);
}, 120_000);

afterAll(async () => {
  rejections.dispose();
  await tp?.stop();
});

async function whileDynamoDown<T>(act: () => Promise<T>): Promise<T> {
  await tp.platform.parts.dynamo.stop();
  try {
    return await act();
  } finally {
    await tp.platform.parts.dynamo.start();
  }
}

describe("DynamoDB (dynalite) is down", () => {
  it("answers 503 session_store_unavailable to session, API and logout calls, keeps the cookie, and the same cookie works once it is back", async () => {
    // Prepare
    const browser = new Browser();
    const { sessionId } = await login(tp, browser, "alice");
    // Act
    const [session, api, logout] = await whileDynamoDown(async () => [
      await browser.request(`${tp.app}/auth/session`, { headers: spaHeaders(tp.app) }),
      await browser.request(`${tp.app}/api/items`, { headers: spaHeaders(tp.app) }),
      await browser.request(`${tp.app}/auth/logout`, { method: "POST", headers: spaHeaders(tp.app) }),
    ]);
    const after = await browser.request(`${tp.app}/auth/session`, { headers: spaHeaders(tp.app) });
    // Assess
    for (const answer of [session, api, logout] as Answer[]) {
      expect(answer.status).toBe(503);
      expect(answer.json()).toEqual(storeDown);
      expect(answer.setCookies).toEqual([]);
    }
    expect(after.status).toBe(200);
    expect(after.json()).toMatchObject({ authenticated: true, user: { name: "Alice Anderson" } });
    expect(browser.cookie(new URL(tp.app).hostname, "__Host-session")).toBe(sessionId);
  });

  it("answers 503 at the callback and creates no session; the login can be started again once it is back", async () => {
    // Prepare
    const browser = new Browser();
    const callbackUrl = await loginUntilCallback(tp, browser, "bob");
    const before = await tp.sessionCount();
    // Act
    const answer = await whileDynamoDown(() => browser.request(callbackUrl));
    const again = await login(tp, browser, "bob");
    // Assess
    expect(answer.status).toBe(503);
    expect(answer.json()).toEqual(storeDown);
    expect(answer.setCookies.some((line) => line.startsWith("__Host-session="))).toBe(false);
    expect(again.answer.status).toBe(302);
    expect(await tp.sessionCount()).toBe(before + 1);
  });

  it("loses no session when dynalite stops in the middle of a burst and restarts: every answer is 200 or 503, and all sessions work after", async () => {
    // Prepare
    const browsers = [new Browser(), new Browser(), new Browser(), new Browser()];
    for (const [index, browser] of browsers.entries()) await login(tp, browser, index % 2 === 0 ? "alice" : "bob");
    const call = (browser: Browser) => browser.request(`${tp.app}/api/items`, { headers: spaHeaders(tp.app) });
    // Act: the first wave is in flight when dynalite stops
    const firstWave = browsers.flatMap((browser) => [call(browser), call(browser)]);
    const stopped = tp.platform.parts.dynamo.stop();
    const secondWave = browsers.map((browser) => stopped.then(() => call(browser)));
    const during = await Promise.all([...firstWave, ...secondWave]);
    await tp.platform.parts.dynamo.start();
    const after = await Promise.all(browsers.map(call));
    // Assess
    for (const answer of during) {
      expect([200, 503]).toContain(answer.status);
      if (answer.status === 503) expect(answer.json()).toEqual(storeDown);
      expect(answer.setCookies).toEqual([]);
    }
    expect(during.slice(firstWave.length).every((answer) => answer.status === 503)).toBe(true);
    expect(after.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
  });

  it("left no unhandled rejection", () => {
    expect(rejections.reasons).toEqual([]);
  });
});
