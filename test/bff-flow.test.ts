import { sessionRef } from "@spa-bff/bff/session";
import { appLogLines } from "@spa-bff/core/testing";
import { binaryPayload } from "@spa-bff/local/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BffSuite, startBffSuite } from "./support/bff-suite.ts";
import { Browser, login, loginUntilCallback, spaHeaders } from "./support/browser.ts";

let stack: BffSuite;

beforeAll(async () => {
  stack = await startBffSuite();
});

afterAll(async () => {
  await stack?.stop();
});

const host = "localhost";

describe("BFF over HTTP: the full browser flow", () => {
  it("logs in, answers /auth/session, proxies with the bearer token, logs out, and refuses the old cookie", async () => {
    // Prepare
    const browser = new Browser();
    const before = await stack.sessionCount();

    // Act: login
    const { answer: callback } = await login(stack, browser, "alice", "/items?page=2");

    // Assess: a new session, the cookie rules, the redirect to returnTo
    expect(callback.status).toBe(302);
    expect(callback.location).toBe(`${stack.app}/items?page=2`);
    const sessionCookie = callback.setCookies.find((line) => line.startsWith("__Host-session="));
    expect(sessionCookie).toMatch(
      /^__Host-session=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}; Max-Age=28800; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect(callback.setCookies.some((line) => /^__Host-login-[A-Za-z0-9_-]{16}=; Max-Age=0/.test(line))).toBe(true);
    expect(await stack.sessionCount()).toBe(before + 1);
    const cookieValue = browser.cookie(host, "__Host-session") ?? "";

    // Act: who is logged in
    const who = await browser.request(`${stack.app}/auth/session`, { headers: spaHeaders(stack.app) });

    // Assess
    expect(who.status).toBe(200);
    expect(who.headers.get("cache-control")).toBe("no-store");
    expect(who.headers.get("x-content-type-options")).toBe("nosniff");
    const alice = stack.platform.users.find((user) => user.username === "alice");
    expect(who.json()).toEqual({
      authenticated: true,
      user: { sub: alice?.sub, name: "Alice Anderson", email: "alice@example.com" },
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      // The local IdP's hosted page asks for the password only, as Cognito's managed login does.
      signInMethod: "password",
    });

    // Act: an API call
    const api = await browser.request(`${stack.app}/api/items?limit=5`, {
      method: "POST",
      headers: { ...spaHeaders(stack.app), "content-type": "application/json", "x-request-id": "spa-req-1" },
      body: JSON.stringify({ title: "milk" }),
    });

    // Assess: the upstream saw the bearer token and nothing of the browser's secrets
    expect(api.status).toBe(200);
    expect(api.json()).toEqual({ ok: true, path: "/local/items?limit=5" });
    expect(api.setCookies).toEqual([]);
    expect(api.headers.get("server")).toBeNull();
    const seen = stack.upstream.requests.at(-1);
    const session = await stack.sessions.get(cookieValue, Math.floor(Date.now() / 1000));
    expect(seen?.method).toBe("POST");
    expect(seen?.headers.authorization).toBe(`Bearer ${session?.tokens.accessToken}`);
    expect(seen?.headers.cookie).toBeUndefined();
    expect(seen?.headers["x-csrf"]).toBeUndefined();
    expect(seen?.headers["x-amz-content-sha256"]).toBeUndefined();
    expect(seen?.headers["x-request-id"]).toEqual(expect.any(String));
    expect(seen?.body.toString()).toBe('{"title":"milk"}');

    // Act: logout
    const out = await browser.request(`${stack.app}/auth/logout`, { method: "POST", headers: spaHeaders(stack.app) });

    // Assess
    expect(out.status).toBe(200);
    const logoutUrl = new URL(out.json<{ logoutUrl: string }>().logoutUrl);
    expect(logoutUrl.origin).toBe(stack.platform.parts.idp.issuer);
    expect(logoutUrl.searchParams.get("client_id")).toBe(stack.platform.clients.web.clientId);
    expect(logoutUrl.pathname).toBe("/logout");
    expect(logoutUrl.searchParams.get("logout_uri")).toBe(`${stack.app}/`);
    expect(logoutUrl.searchParams.has("id_token_hint")).toBe(false);
    expect(out.setCookies).toContain("__Host-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax");
    expect(await stack.sessionCount()).toBe(before);

    // Act: the old cookie again
    browser.setCookie(host, "__Host-session", cookieValue);
    const replay = await browser.request(`${stack.app}/api/items`, { headers: spaHeaders(stack.app) });

    // Assess
    expect(replay.status).toBe(401);
    expect(replay.json()).toEqual({ error: "unauthenticated", message: "No valid session" });
  });

  it("passes a binary upstream body back byte for byte", async () => {
    // Prepare
    const browser = new Browser();
    await login(stack, browser, "bob");
    // Act
    const response = await browser.request(`${stack.app}/api/binary`, { headers: spaHeaders(stack.app) });
    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.bytes.equals(binaryPayload)).toBe(true);
  });

  it("writes audit events with sub and session hash, and never a token, code, cookie value or secret", async () => {
    // Prepare
    const browser = new Browser();
    appLogLines.length = 0;
    // Act: a full flow with a refresh in the middle
    const callbackUrl = await loginUntilCallback(stack, browser, "bob");
    const code = new URL(callbackUrl).searchParams.get("code") ?? "";
    await browser.request(callbackUrl);
    const cookieValue = browser.cookie(host, "__Host-session") ?? "";
    const first = await stack.sessions.get(cookieValue, Math.floor(Date.now() / 1000));
    if (!first) throw new Error("no session");
    await stack.sessions.updateTokens(
      first,
      { ...first.tokens, accessTokenExpiresAt: Math.floor(Date.now() / 1000) + 1 },
      Math.floor(Date.now() / 1000),
    );
    await browser.request(`${stack.app}/api/items`, { headers: spaHeaders(stack.app) });
    const refreshed = await stack.sessions.get(cookieValue, Math.floor(Date.now() / 1000));
    await browser.request(`${stack.app}/api/items`, { headers: { origin: stack.app } });
    await browser.request(`${stack.app}/auth/logout`, { method: "POST", headers: spaHeaders(stack.app) });
    // Assess
    const secrets = [
      code,
      cookieValue,
      stack.platform.clients.web.clientSecret,
      first.tokens.accessToken,
      first.tokens.refreshToken ?? "",
      refreshed?.tokens.accessToken ?? "",
      refreshed?.tokens.refreshToken ?? "",
    ];
    expect(secrets.every((secret) => secret.length >= 16)).toBe(true);
    const all = appLogLines.join("\n");
    for (const secret of secrets) expect(all).not.toContain(secret);
    const events = appLogLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const bob = stack.platform.users.find((user) => user.username === "bob");
    for (const name of ["auth.login", "auth.refresh", "auth.logout"]) {
      expect(events).toContainEqual(expect.objectContaining({ event: name, sub: bob?.sub, session: sessionRef(cookieValue) }));
    }
    expect(events).toContainEqual(expect.objectContaining({ event: "auth.csrf_refused", reason: "csrf_required" }));
  });
});
