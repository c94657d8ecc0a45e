/**
 * Token refresh across BFF instances, as Lambda runs them: every BFF
 * function on the local platform is a pool of isolated instances serving one
 * request each, sharing only DynamoDB and the real local IdP (which rotates
 * refresh tokens and revokes a grant whose spent token comes back). The IdP's
 * test hooks freeze an instance in the middle of its refresh, where the races
 * happen.
 */
import type { PoolEvent } from "@spa-bff/local";
import { startTestPlatform, type TestPlatform } from "@spa-bff/local/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, login, spaHeaders } from "../support/browser.ts";

const host = "localhost";
const now = () => Math.floor(Date.now() / 1000);

/** Puts the session's access token inside the refresh skew, through the session layer, as time passing would. */
async function ageAccessToken(tp: TestPlatform, browser: Browser): Promise<void> {
  const session = await tp.sessions.get(browser.cookie(host, "__Host-session") ?? "", now());
  if (!session) throw new Error("no session to age");
  const result = await tp.sessions.updateTokens(session, { ...session.tokens, accessTokenExpiresAt: now() + 5 }, now());
  if (!result.ok) throw new Error("the session moved while it was being aged");
}

async function refreshTokenOf(tp: TestPlatform, browser: Browser): Promise<string> {
  const session = await tp.sessions.get(browser.cookie(host, "__Host-session") ?? "", now());
  return session?.tokens.refreshToken ?? "";
}

function apiCall(tp: TestPlatform, browser: Browser) {
  return browser.request(`${tp.app}/api/items`, { headers: spaHeaders(tp.app) });
}

async function authenticated(tp: TestPlatform, browser: Browser): Promise<boolean> {
  const answer = await browser.request(`${tp.app}/auth/session`, { headers: spaHeaders(tp.app) });
  return (answer.json() as { authenticated?: boolean }).authenticated === true;
}

describe("20 parallel calls on an expiring session, over many instances", () => {
  let tp: TestPlatform;

  beforeAll(async () => {
    tp = await startTestPlatform({ upstream: "recording", platform: { functions: { maxConcurrency: 24 } } });
    // Provisioned concurrency, a few at a time: the rounds measure refreshes, not cold starts.
    for (let started = 0; started < 20; started += 4) await tp.platform.provision(["bffApi"], 4);
  }, 180_000);

  afterAll(async () => {
    await tp?.stop();
  });

  it("answers every call 200 with exactly one refresh grant per expiry, round after round", async () => {
    // Prepare
    const browser = new Browser();
    await login(tp, browser, "alice");
    const idp = tp.platform.parts.idp;
    const instancesPerRound: number[] = [];
    for (let round = 0; round < 20; round++) {
      await ageAccessToken(tp, browser);
      const grantsBefore = idp.grantCount("refresh_token");
      const served = new Set<number>();
      const stop = tp.platform.onFunctionEvent((event: PoolEvent) => {
        if (event.type === "invocation" && event.functionName === "BffApi") served.add(event.instanceId);
      });
      // Act
      const answers = await Promise.all(Array.from({ length: 20 }, () => apiCall(tp, browser)));
      stop();
      // Assess
      expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
      expect(idp.grantCount("refresh_token") - grantsBefore).toBe(1);
      instancesPerRound.push(served.size);
    }
    expect(Math.min(...instancesPerRound)).toBeGreaterThanOrEqual(4);
    expect(await authenticated(tp, browser)).toBe(true);
  }, 180_000);
});

describe("a refresh frozen mid-flight", () => {
  let tp: TestPlatform;

  beforeAll(async () => {
    tp = await startTestPlatform({
      upstream: "recording",
      // A short lease, and an /api function that dies (its timeout) before the lease runs out.
      bffEnv: { REFRESH_LEASE_SECONDS: "3", UPSTREAM_TIMEOUT_MS: "8000" },
      platform: { functions: { timeoutMs: { bffApi: 1500 } } },
    });
  }, 120_000);

  afterAll(async () => {
    await tp?.stop();
  });

  it("survives a leaseholder that dies mid-refresh: the next call waits out the lease, refreshes, and the session lives on", async () => {
    // Prepare
    const browser = new Browser();
    await login(tp, browser, "alice");
    await ageAccessToken(tp, browser);
    const idp = tp.platform.parts.idp;
    const grantsBefore = idp.grantCount("refresh_token");
    const hold = idp.holdTokenRequests({ grantType: "refresh_token", phase: "before" });
    // Act: the first instance takes the lease and hangs at the IdP until its function's deadline
    const dying = apiCall(tp, browser);
    await hold.held;
    const died = await dying;
    hold.release();
    const next = await apiCall(tp, browser);
    // Assess
    expect(died.status).toBe(504);
    expect(died.json()).toMatchObject({ error: "function_timeout" });
    expect(next.status).toBe(200);
    expect(idp.grantCount("refresh_token") - grantsBefore).toBe(1);
    expect(await authenticated(tp, browser)).toBe(true);
  }, 60_000);
});

describe("races at the IdP", () => {
  let tp: TestPlatform;

  beforeAll(async () => {
    tp = await startTestPlatform({ upstream: "recording", bffEnv: { REFRESH_LEASE_SECONDS: "2", UPSTREAM_TIMEOUT_MS: "10000" } });
    await tp.platform.provision(["bffApi", "bffAuth"], 2);
  }, 120_000);

  afterAll(async () => {
    await tp?.stop();
  });

  it("keeps the session when the IdP rejects one instance's refresh just after another instance refreshed", async () => {
    // Prepare: instance A's refresh is held at the IdP past its lease; instance B takes over and refreshes
    const browser = new Browser();
    await login(tp, browser, "bob");
    await ageAccessToken(tp, browser);
    const idp = tp.platform.parts.idp;
    const hold = idp.holdTokenRequests({ grantType: "refresh_token", phase: "before" });
    const first = apiCall(tp, browser);
    await hold.held;
    const second = await apiCall(tp, browser);
    // Act: the IdP now rejects A's refresh
    hold.release({ reject: "invalid_grant" });
    const rejected = await first;
    // Assess: A did not delete B's newer session; the session works and refreshes again
    expect(second.status).toBe(200);
    expect(rejected.status).toBe(200);
    expect(await authenticated(tp, browser)).toBe(true);
    await ageAccessToken(tp, browser);
    const grantsBefore = idp.grantCount("refresh_token");
    expect((await apiCall(tp, browser)).status).toBe(200);
    expect(idp.grantCount("refresh_token") - grantsBefore).toBe(1);
  }, 60_000);

  it("keeps a session logged out on one instance gone when a refresh on another lands after it, and revokes the racing token", async () => {
    // Prepare: the IdP has rotated the refresh token for instance A but not yet answered it
    const browser = new Browser();
    await login(tp, browser, "carol");
    await ageAccessToken(tp, browser);
    const spent = await refreshTokenOf(tp, browser);
    const idp = tp.platform.parts.idp;
    const hold = idp.holdTokenRequests({ grantType: "refresh_token", phase: "after" });
    const refreshing = apiCall(tp, browser);
    await hold.held;
    // Act: the user logs out (instance B), then A gets its answer
    const logout = await browser.request(`${tp.app}/auth/logout`, { method: "POST", headers: spaHeaders(tp.app) });
    hold.release();
    const raced = await refreshing;
    // Assess
    expect(logout.status).toBe(200);
    expect(raced.status).toBe(401);
    expect(await authenticated(tp, browser)).toBe(false);
    const [issued] = hold.issuedRefreshTokens();
    expect(issued).toEqual(expect.any(String));
    expect(await idp.inspectRefreshToken(issued ?? "")).toBeUndefined();
    expect(await idp.inspectRefreshToken(spent)).toBeUndefined();
  }, 60_000);
});
