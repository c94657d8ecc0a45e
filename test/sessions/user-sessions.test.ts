/**
 * A user's sessions across browsers and BFF instances, through the local
 * platform's function pools (one request per instance, as Lambda) and the
 * real local IdP: the sessions list, ending one session, log out everywhere
 * (with a session created on another instance a moment before), and the
 * login cookies of a browser under a flood of `/auth/login`.
 */
import { randomUUID } from "node:crypto";
import { type DemoUser, defaultDemoUsers, type PoolEvent } from "@spa-bff/local";
import { startTestPlatform, type TestPlatform } from "@spa-bff/local/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, finishAtIdp, login, spaHeaders } from "../support/browser.ts";

let tp: TestPlatform;
const host = "localhost";
const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const iphone =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

/** The demo users, and three more so that each test has users of its own. */
function users(): DemoUser[] {
  const extra = (username: string): DemoUser => ({
    username,
    password: `${username}-test-password`,
    sub: randomUUID(),
    name: username,
    email: `${username}@example.com`,
    emailVerified: true,
  });
  return [...defaultDemoUsers(), extra("dave"), extra("erin"), extra("frank")];
}

beforeAll(async () => {
  tp = await startTestPlatform({ upstream: "recording", platform: { users: users() } });
});

afterAll(async () => {
  await tp?.stop();
});

async function signedIn(username: string, userAgent = firefox): Promise<Browser> {
  const browser = new Browser({ headers: { "user-agent": userAgent } });
  await login(tp, browser, username);
  return browser;
}

async function sessionsOf(browser: Browser) {
  const answer = await browser.request(`${tp.app}/auth/sessions`, { headers: spaHeaders(tp.app) });
  return { status: answer.status, sessions: (answer.json() as { sessions?: Array<Record<string, unknown>> }).sessions ?? [] };
}

async function authenticated(browser: Browser): Promise<boolean> {
  const answer = await browser.request(`${tp.app}/auth/session`, { headers: spaHeaders(tp.app) });
  return (answer.json() as { authenticated?: boolean }).authenticated === true;
}

/** The refresh token a browser's session holds, read through the session layer as an instance would. */
async function refreshTokenOf(browser: Browser): Promise<string> {
  const session = await tp.sessions.get(browser.cookie(host, "__Host-session") ?? "", Math.floor(Date.now() / 1000));
  if (!session?.tokens.refreshToken) throw new Error("no session with a refresh token");
  return session.tokens.refreshToken;
}

describe("active sessions", () => {
  it("lists the sessions of both browsers with their devices, and marks the caller's", async () => {
    // Prepare
    const laptop = await signedIn("carol", firefox);
    const phone = await signedIn("carol", iphone);
    // Act
    const fromLaptop = await sessionsOf(laptop);
    // Assess
    expect(fromLaptop.status).toBe(200);
    expect(fromLaptop.sessions).toEqual([
      expect.objectContaining({ device: "Firefox on Linux", signInMethod: "password", current: true }),
      expect.objectContaining({ device: "Safari on iPhone", signInMethod: "password", current: false }),
    ]);
    expect((await sessionsOf(phone)).sessions[0]).toMatchObject({ device: "Safari on iPhone", current: true });
  });

  it("ends one session by its handle: that browser is logged out, the other is not, and its refresh token is revoked", async () => {
    // Prepare
    const laptop = await signedIn("dave", firefox);
    const phone = await signedIn("dave", iphone);
    const phoneToken = await refreshTokenOf(phone);
    const phoneHandle = (await sessionsOf(laptop)).sessions.find((entry) => entry.current === false)?.handle;
    // Act
    const ended = await laptop.request(`${tp.app}/auth/sessions/${String(phoneHandle)}`, { method: "DELETE", headers: spaHeaders(tp.app) });
    // Assess
    expect(ended.status).toBe(204);
    const phoneCall = await phone.request(`${tp.app}/auth/sessions`, { headers: spaHeaders(tp.app) });
    expect(phoneCall.status).toBe(401);
    expect(phoneCall.json()).toMatchObject({ error: "session_revoked" });
    expect(await authenticated(phone)).toBe(false);
    expect(await authenticated(laptop)).toBe(true);
    expect(await tp.platform.parts.idp.inspectRefreshToken(phoneToken)).toBeUndefined();
    expect((await sessionsOf(laptop)).sessions).toHaveLength(1);
  });

  it("tells an ended browser why at /auth/session too, once, while a browser that logged out itself hears no reason", async () => {
    // Prepare
    const laptop = await signedIn("frank", firefox);
    const phone = await signedIn("frank", iphone);
    const phoneHandle = (await sessionsOf(laptop)).sessions.find((entry) => entry.current === false)?.handle;
    await laptop.request(`${tp.app}/auth/sessions/${String(phoneHandle)}`, { method: "DELETE", headers: spaHeaders(tp.app) });
    const sessionCall = () => phone.request(`${tp.app}/auth/session`, { headers: spaHeaders(tp.app) });
    // Act
    const first = await sessionCall();
    const second = await sessionCall();
    await laptop.request(`${tp.app}/auth/logout`, { method: "POST", headers: spaHeaders(tp.app) });
    const afterOwnLogout = await laptop.request(`${tp.app}/auth/session`, { headers: spaHeaders(tp.app) });
    // Assess
    expect(first.status).toBe(200);
    expect(first.json()).toEqual({ authenticated: false, login: "hosted", reason: "session_revoked" });
    expect(phone.cookie(host, "__Host-session")).toBeUndefined();
    expect(second.json()).toEqual({ authenticated: false, login: "hosted" });
    expect(afterOwnLogout.json()).toEqual({ authenticated: false, login: "hosted" });
  });

  it("answers 404 to a handle of another user's session, which lives on", async () => {
    // Prepare
    const alice = await signedIn("alice");
    const bob = await signedIn("bob");
    const bobsHandle = (await sessionsOf(bob)).sessions[0]?.handle;
    // Act
    const answer = await alice.request(`${tp.app}/auth/sessions/${String(bobsHandle)}`, { method: "DELETE", headers: spaHeaders(tp.app) });
    // Assess
    expect(answer.status).toBe(404);
    expect(answer.json()).toMatchObject({ error: "not_found" });
    expect(await authenticated(bob)).toBe(true);
  });
});

describe("log out everywhere", () => {
  it("ends every session of the user, one created on another instance a moment before included, and revokes every refresh token", async () => {
    // Prepare: erin signs in on a laptop, then on a phone
    const laptop = await signedIn("erin", firefox);
    const served: Array<Extract<PoolEvent, { type: "invocation" }>> = [];
    const stopWatching = tp.platform.onFunctionEvent((event) => {
      if (event.type === "invocation" && event.functionName === "BffAuth") served.push(event);
    });
    // Keep the /auth instance the phone's login used busy (bob's callback waits at the IdP), so the logout runs elsewhere.
    const bob = new Browser();
    const bobsCallback = await loginUntilCallbackOf(bob, "bob");
    const phone = await signedIn("erin", iphone);
    const loginInstance = served.at(-1)?.instanceId;
    const hold = tp.platform.parts.idp.holdTokenRequests({ grantType: "authorization_code", phase: "before" });
    const busy = bob.request(bobsCallback);
    await hold.held;
    const tokens = [await refreshTokenOf(laptop), await refreshTokenOf(phone)];
    // Act
    const answer = await laptop.request(`${tp.app}/auth/logout`, {
      method: "POST",
      headers: { ...spaHeaders(tp.app), "content-type": "application/json" },
      body: JSON.stringify({ everywhere: true }),
    });
    const logoutInstance = served.at(-1)?.instanceId;
    hold.release();
    await busy;
    stopWatching();
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json()).toHaveProperty("logoutUrl");
    expect(logoutInstance).not.toBe(loginInstance);
    expect(await authenticated(laptop)).toBe(false);
    expect(await authenticated(phone)).toBe(false);
    for (const token of tokens) expect(await tp.platform.parts.idp.inspectRefreshToken(token)).toBeUndefined();
    expect(await authenticated(bob)).toBe(true);
  });
});

describe("login cookies under a flood of /auth/login", () => {
  it("keeps at most three login cookies and small headers after 50 logins started, and the last login still completes", async () => {
    // Prepare
    const browser = new Browser();
    let last = "";
    // Act
    for (let i = 0; i < 50; i++) {
      const start = await browser.request(`${tp.app}/auth/login?returnTo=${encodeURIComponent(`/items/${"x".repeat(500)}`)}`);
      expect(start.status).toBe(302);
      last = start.location ?? "";
    }
    const loginCookies = browser.cookies(host).filter((name) => name.startsWith("__Host-login-"));
    const cookieBytes = Buffer.byteLength(browser.cookieHeader(host));
    const callback = await finishAtIdp(tp, browser, last, "alice");
    const done = await browser.request(callback);
    // Assess
    expect(loginCookies).toHaveLength(3);
    expect(cookieBytes).toBeLessThan(8 * 1024);
    expect(done.status).toBe(302);
    expect(await authenticated(browser)).toBe(true);
  });
});

/** Runs a login up to the IdP's redirect back to the BFF's callback, without following it. */
async function loginUntilCallbackOf(browser: Browser, username: string): Promise<string> {
  const start = await browser.request(`${tp.app}/auth/login?returnTo=/`);
  return finishAtIdp(tp, browser, start.location ?? "", username);
}
