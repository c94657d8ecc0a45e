import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BffSuite, startBffSuite } from "./support/bff-suite.ts";
import { Browser, finishAtIdp, login, loginUntilCallback, spaHeaders } from "./support/browser.ts";

let stack: BffSuite;

beforeAll(async () => {
  stack = await startBffSuite();
});

afterAll(async () => {
  await stack?.stop();
});

const host = "localhost";

describe("BFF login and callback", () => {
  it("sends the browser to the IdP with PKCE S256, state, nonce and a sealed login cookie", async () => {
    // Prepare
    const browser = new Browser();
    // Act
    const response = await browser.request(`${stack.app}/auth/login?returnTo=/items`);
    // Assess
    expect(response.status).toBe(302);
    const url = new URL(response.location ?? "");
    expect(`${url.origin}`).toBe(stack.platform.parts.idp.issuer);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(url.searchParams.get("nonce")).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(url.searchParams.get("redirect_uri")).toBe(`${stack.app}/auth/callback`);
    const cookie = response.setCookies[0] ?? "";
    expect(cookie).toMatch(/^__Host-login-[A-Za-z0-9_-]{16}=[0-9a-z]+~v1\.[^;]+; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(cookie).not.toContain(url.searchParams.get("state") ?? "-");
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("keeps two logins started in two tabs apart", async () => {
    // Prepare: tab A starts, then tab B logs in completely
    const browser = new Browser();
    const tabA = await browser.request(`${stack.app}/auth/login?returnTo=/a`);
    const callbackB = await loginUntilCallback(stack, browser, "alice", "/b");
    // Act
    const doneB = await browser.request(callbackB);
    const doneA = await browser.request(await finishAtIdp(stack, browser, tabA.location ?? "", "alice"));
    // Assess
    expect(doneB.status).toBe(302);
    expect(doneB.location).toBe(`${stack.app}/b`);
    expect(doneA.status).toBe(302);
    expect(doneA.location).toBe(`${stack.app}/a`);
  });

  it("replaces the session a browser already had by a new one, deleting the old", async () => {
    // Prepare
    const browser = new Browser();
    await login(stack, browser, "alice");
    const first = browser.cookie(host, "__Host-session") ?? "";
    const count = await stack.sessionCount();
    // Act
    await login(stack, browser, "alice");
    // Assess
    const second = browser.cookie(host, "__Host-session") ?? "";
    expect(second).not.toBe(first);
    expect(await stack.sessions.get(first, Math.floor(Date.now() / 1000))).toBeUndefined();
    expect(await stack.sessionCount()).toBe(count);
  });

  it.each([
    ["a missing state", (url: URL) => url.searchParams.delete("state")],
    ["a forged state", (url: URL) => url.searchParams.set("state", "forged-state-value-1234567890")],
  ])("refuses a callback with %s: 400 invalid_login_state, no session", async (_name, tamper) => {
    // Prepare
    const browser = new Browser();
    const callbackUrl = new URL(await loginUntilCallback(stack, browser, "bob"));
    tamper(callbackUrl);
    const count = await stack.sessionCount();
    // Act
    const response = await browser.request(callbackUrl.href);
    // Assess
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ error: "invalid_login_state", message: expect.any(String) });
    expect(browser.cookie(host, "__Host-session")).toBeUndefined();
    expect(await stack.sessionCount()).toBe(count);
  });

  it("refuses a callback in a browser that did not start the login", async () => {
    // Prepare
    const victim = new Browser();
    const callbackUrl = await loginUntilCallback(stack, new Browser(), "bob");
    const count = await stack.sessionCount();
    // Act
    const response = await victim.request(callbackUrl);
    // Assess
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: "invalid_login_state" });
    expect(await stack.sessionCount()).toBe(count);
  });

  it("refuses a replayed callback (state already used): 400, no second session", async () => {
    // Prepare
    const browser = new Browser();
    const callbackUrl = await loginUntilCallback(stack, browser, "bob");
    await browser.request(callbackUrl);
    const count = await stack.sessionCount();
    const session = browser.cookie(host, "__Host-session");
    // Act
    const response = await browser.request(callbackUrl);
    // Assess
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: "invalid_login_state" });
    expect(browser.cookie(host, "__Host-session")).toBe(session);
    expect(await stack.sessionCount()).toBe(count);
  });

  it("refuses a replayed authorization code even with the login cookie: the IdP says no, login_failed", async () => {
    // Prepare
    const browser = new Browser();
    const callbackUrl = await loginUntilCallback(stack, browser, "bob");
    const loginCookies = [...(browser.jar.get(host) ?? new Map()).entries()].filter(([name]) => name.startsWith("__Host-login-"));
    await browser.request(callbackUrl);
    browser.deleteCookie(host, "__Host-session");
    for (const [name, value] of loginCookies) browser.setCookie(host, name, value);
    const count = await stack.sessionCount();
    // Act
    const response = await browser.request(callbackUrl);
    // Assess
    expect(response.status).toBe(302);
    expect(response.location).toBe(`${stack.app}/items?auth_error=login_failed`);
    expect(browser.cookie(host, "__Host-session")).toBeUndefined();
    expect(await stack.sessionCount()).toBe(count);
  });

  it("ends an IdP error response (access_denied) at returnTo with the reason, without a session", async () => {
    // Prepare
    const browser = new Browser();
    const start = await browser.request(`${stack.app}/auth/login?returnTo=/items`);
    const state = new URL(start.location ?? "").searchParams.get("state") ?? "";
    const count = await stack.sessionCount();
    // Act
    const response = await browser.request(`${stack.app}/auth/callback?error=access_denied&error_description=no&state=${state}`);
    // Assess
    expect(response.status).toBe(302);
    expect(response.location).toBe(`${stack.app}/items?auth_error=access_denied`);
    expect(response.setCookies.some((line) => line.startsWith("__Host-login-") && line.includes("Max-Age=0"))).toBe(true);
    expect(await stack.sessionCount()).toBe(count);
  });

  it.each(["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "%2F%2Fevil.example"])(
    "sends the browser to / after login when returnTo is %s",
    async (returnTo) => {
      // Prepare
      const browser = new Browser();
      // Act
      const { answer: response } = await login(stack, browser, "alice", returnTo);
      // Assess
      expect(response.status).toBe(302);
      expect(response.location).toBe(`${stack.app}/`);
    },
  );

  it("lets a cross-site navigation start a login but refuses a cross-site fetch of it", async () => {
    // Prepare
    const browser = new Browser();
    // Act
    const navigation = await browser.request(`${stack.app}/auth/login`, {
      headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" },
    });
    const fetched = await browser.request(`${stack.app}/auth/login`, {
      headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "cors" },
    });
    // Assess
    expect(navigation.status).toBe(302);
    expect(fetched.status).toBe(403);
    expect(fetched.json()).toEqual({ error: "cross_site_request", message: "Cross-site requests are not allowed" });
  });

  it("answers {authenticated:false} without a session", async () => {
    const response = await new Browser().request(`${stack.app}/auth/session`, { headers: spaHeaders(stack.app) });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ authenticated: false, login: "hosted" });
  });

  it("ends a login that took longer than 10 minutes at returnTo with auth_error=login_expired, without a session", async () => {
    // Prepare
    const browser = new Browser();
    const callbackUrl = await loginUntilCallback(stack, browser, "alice");
    const count = await stack.sessionCount();
    stack.clock.offset = 601;
    let response: Awaited<ReturnType<Browser["request"]>>;
    try {
      // Act
      response = await browser.request(callbackUrl);
    } finally {
      stack.clock.offset = 0;
    }
    // Assess
    expect(response.status).toBe(302);
    expect(response.location).toBe(`${stack.app}/items?auth_error=login_expired`);
    expect(await stack.sessionCount()).toBe(count);
  });
});
