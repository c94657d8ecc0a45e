/**
 * Fault injection: the local IdP (a real oidc-provider server) stopped and
 * started on its port while the BFF runs behind the local edge.
 */
import { webClient } from "@spa-bff/core/infra";
import { appLogLines } from "@spa-bff/core/testing";
import { startTestPlatform, type TestPlatform } from "@spa-bff/local/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, login, loginUntilCallback, spaHeaders } from "../support/browser.ts";
import { watchUnhandledRejections } from "../support/faults.ts";

const ttl = webClient.accessTokenSeconds;
const clock = { offset: 0 };
const rejections = watchUnhandledRejections();
let tp: TestPlatform;
let host: string;

beforeAll(async () => {
  tp = await startTestPlatform({
    bffAdapters: () => ({ clock: () => Math.floor(Date.now() / 1000) + clock.offset }),
  });
  host = new URL(tp.app).hostname;
});

afterAll(async () => {
  rejections.dispose();
  await tp?.stop();
});

/** Runs `act` with the IdP down, bringing it back whatever happens. */
async function whileIdpDown<T>(act: () => Promise<T>): Promise<T> {
  await tp.platform.parts.idp.stop();
  try {
    return await act();
  } finally {
    await tp.platform.parts.idp.start();
  }
}

describe("the IdP is down", () => {
  it("answers 502 idp_unavailable to /auth/login before discovery, sets no cookie, and logs in once the IdP is back", async () => {
    // Prepare: this BFF instance has not talked to the IdP yet
    const browser = new Browser();
    // Act
    const down = await whileIdpDown(() => browser.request(`${tp.app}/auth/login?returnTo=%2Fitems`));
    const { answer } = await login(tp, browser, "alice");
    // Assess
    expect(down.status).toBe(502);
    expect(down.json()).toEqual({ error: "idp_unavailable", message: "The identity provider is unavailable" });
    expect(down.setCookies).toEqual([]);
    expect(answer.status).toBe(302);
    expect(answer.location).toBe(`${tp.app}/items`);
  });

  it("sends the browser back with auth_error=idp_unavailable when the IdP is down at the callback, creating no session", async () => {
    // Prepare
    const browser = new Browser();
    const callbackUrl = await loginUntilCallback(tp, browser, "bob", "/items?page=2");
    const before = await tp.sessionCount();
    // Act
    const answer = await whileIdpDown(() => browser.request(callbackUrl));
    // Assess
    expect(answer.status).toBe(302);
    expect(answer.location).toBe(`${tp.app}/items?page=2&auth_error=idp_unavailable`);
    expect(answer.setCookies.some((line) => line.startsWith("__Host-session="))).toBe(false);
    expect(answer.setCookies.filter((line) => line.startsWith("__Host-login-")).every((line) => line.includes("Max-Age=0"))).toBe(true);
    expect(await tp.sessionCount()).toBe(before);
  });

  it("keeps the session when the IdP is down during a refresh: 502 idp_unavailable, cookie kept, the same cookie works once it is back", async () => {
    // Prepare: the access token is within the refresh skew
    const browser = new Browser();
    const { sessionId } = await login(tp, browser, "alice");
    const refreshes = tp.platform.parts.idp.grantCount("refresh_token");
    clock.offset = ttl - 30;
    try {
      // Act
      const down = await whileIdpDown(() => browser.request(`${tp.app}/api/items`, { headers: spaHeaders(tp.app) }));
      const during = tp.platform.parts.idp.grantCount("refresh_token");
      const back = await browser.request(`${tp.app}/api/items`, { headers: spaHeaders(tp.app) });
      // Assess
      expect(down.status).toBe(502);
      expect(down.json()).toEqual({ error: "idp_unavailable", message: "The identity provider is unavailable" });
      expect(down.setCookies).toEqual([]);
      expect(during).toBe(refreshes);
      expect(back.status).toBe(200);
      expect(back.json()).toMatchObject({ items: expect.any(Array) });
      expect(tp.platform.parts.idp.grantCount("refresh_token")).toBe(refreshes + 1);
      expect(browser.cookie(host, "__Host-session")).toBe(sessionId);
    } finally {
      clock.offset = 0;
    }
  });

  it("still logs out locally when the IdP is down: 200 with the end-session URL, cookie cleared, the old cookie is refused after", async () => {
    // Prepare
    const browser = new Browser();
    const { sessionId } = await login(tp, browser, "bob");
    const before = await tp.sessionCount();
    // Act
    const answer = await whileIdpDown(() => browser.request(`${tp.app}/auth/logout`, { method: "POST", headers: spaHeaders(tp.app) }));
    const replay = await new Browser().request(`${tp.app}/auth/session`, {
      headers: spaHeaders(tp.app),
      cookieHeader: `__Host-session=${sessionId}`,
    });
    // Assess
    expect(answer.status).toBe(200);
    const logoutUrl = new URL(answer.json<{ logoutUrl: string }>().logoutUrl);
    expect(logoutUrl.origin).toBe(new URL(tp.platform.urls.idp).origin);
    expect(logoutUrl.pathname).toBe("/logout");
    expect(logoutUrl.searchParams.get("logout_uri")).toBe(`${tp.app}/`);
    expect(logoutUrl.searchParams.has("id_token_hint")).toBe(false);
    expect(answer.setCookies).toContain("__Host-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax");
    expect(await tp.sessionCount()).toBe(before - 1);
    expect(replay.json()).toEqual({ authenticated: false, login: "hosted" });
    expect(appLogLines.some((line) => line.includes("refresh token revocation failed"))).toBe(true);
  });

  it("left no unhandled rejection and wrote no session id into a log line", () => {
    // Assess
    expect(rejections.reasons).toEqual([]);
    expect(appLogLines.join("\n")).not.toMatch(/__Host-session=[A-Za-z0-9_-]{22}/);
  });
});
