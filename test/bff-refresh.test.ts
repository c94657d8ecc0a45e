import { appLogLines } from "@spa-bff/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BffSuite, startBffSuite } from "./support/bff-suite.ts";
import { Browser, login, spaHeaders } from "./support/browser.ts";

let stack: BffSuite;

beforeAll(async () => {
  stack = await startBffSuite();
});

afterAll(async () => {
  await stack?.stop();
});

const host = "localhost";
const now = () => Math.floor(Date.now() / 1000);

/** Makes the stored access token expire within the refresh skew, through the real session layer. */
async function expireAccessToken(browser: Browser) {
  const session = await stack.sessions.get(browser.cookie(host, "__Host-session") ?? "", now());
  if (!session) throw new Error("no session");
  const result = await stack.sessions.updateTokens(session, { ...session.tokens, accessTokenExpiresAt: now() + 5 }, now());
  if (!result.ok) throw new Error("could not age the token");
  return result.session;
}

async function loggedIn(username: string) {
  const browser = new Browser();
  await login(stack, browser, username);
  return browser;
}

describe("BFF token refresh", () => {
  it("refreshes once for 20 parallel API calls on an expiring session, and all 20 succeed with the new token", async () => {
    // Prepare
    const browser = await loggedIn("alice");
    const aged = await expireAccessToken(browser);
    const refreshesBefore = stack.platform.parts.idp.grantCount("refresh_token");
    const callsBefore = stack.upstream.requests.length;
    // Act
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) => browser.request(`${stack.app}/api/items/${index}`, { headers: spaHeaders(stack.app) })),
    );
    // Assess
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(stack.platform.parts.idp.grantCount("refresh_token")).toBe(refreshesBefore + 1);
    const fresh = await stack.sessions.get(browser.cookie(host, "__Host-session") ?? "", now());
    expect(fresh?.tokens.accessToken).not.toBe(aged.tokens.accessToken);
    expect(fresh?.tokens.refreshToken).toEqual(expect.any(String));
    expect(fresh?.tokens.refreshToken).not.toBe(aged.tokens.refreshToken);
    const bearers = new Set(stack.upstream.requests.slice(callsBefore).map((request) => request.headers.authorization));
    expect([...bearers]).toEqual([`Bearer ${fresh?.tokens.accessToken}`]);
  });

  it("ends the session when the IdP rejects the refresh token: 401 session_expired, cookie cleared, session deleted", async () => {
    // Prepare: revoke the refresh token at the IdP, then age the access token
    const browser = await loggedIn("bob");
    const aged = await expireAccessToken(browser);
    // Cognito's revocation endpoint: its discovery does not list it.
    const revoked = await fetch(`${stack.platform.parts.idp.issuer}/oauth2/revoke`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${stack.platform.clients.web.clientId}:${stack.platform.clients.web.clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ token: aged.tokens.refreshToken ?? "", token_type_hint: "refresh_token" }).toString(),
    });
    expect(revoked.status).toBe(200);
    const count = await stack.sessionCount();
    const calls = stack.upstream.requests.length;
    // Act
    const response = await browser.request(`${stack.app}/api/items`, { headers: spaHeaders(stack.app) });
    // Assess
    expect(response.status).toBe(401);
    expect(response.json()).toEqual({ error: "session_expired", message: "The session has expired, log in again" });
    expect(response.setCookies).toContain("__Host-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax");
    expect(await stack.sessionCount()).toBe(count - 1);
    expect(stack.upstream.requests.length).toBe(calls);
    expect(appLogLines.some((line) => line.includes('"auth.refresh_failed"') && line.includes("invalid_grant"))).toBe(true);
  });

  it("keeps the session when the IdP is down during a refresh: 502 idp_unavailable, cookie kept, works again after", async () => {
    // Prepare
    const browser = await loggedIn("alice");
    await expireAccessToken(browser);
    await stack.platform.parts.idp.stop();
    let down: Awaited<ReturnType<Browser["request"]>>;
    try {
      // Act
      down = await browser.request(`${stack.app}/api/items`, { headers: spaHeaders(stack.app) });
    } finally {
      await stack.platform.parts.idp.start();
    }
    const again = await browser.request(`${stack.app}/api/items`, { headers: spaHeaders(stack.app) });
    // Assess
    expect(down.status).toBe(502);
    expect(down.json()).toEqual({ error: "idp_unavailable", message: "The identity provider is unavailable" });
    expect(down.setCookies).toEqual([]);
    expect(again.status).toBe(200);
  });

  it("does not refresh a token that is not close to expiry", async () => {
    // Prepare
    const browser = await loggedIn("bob");
    const before = stack.platform.parts.idp.grantCount("refresh_token");
    // Act
    const response = await browser.request(`${stack.app}/api/items`, { headers: spaHeaders(stack.app) });
    // Assess
    expect(response.status).toBe(200);
    expect(stack.platform.parts.idp.grantCount("refresh_token")).toBe(before);
  });
});
