import { GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { sessionRef } from "@spa-bff/bff/session";
import { sessionItemKey } from "@spa-bff/bff/testing";
import { appLogLines } from "@spa-bff/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BffSuite, startBffSuite } from "./support/bff-suite.ts";
import { Browser, login, spaHeaders } from "./support/browser.ts";

let stack: BffSuite;
let alice: Browser;

beforeAll(async () => {
  stack = await startBffSuite();
  alice = new Browser();
  await login(stack, alice, "alice");
});

afterAll(async () => {
  await stack?.stop();
});

const host = "localhost";
const now = () => Math.floor(Date.now() / 1000);

async function sessionSnapshot(browser: Browser) {
  return stack.sessions.get(browser.cookie(host, "__Host-session") ?? "", now() + stack.clock.offset);
}

describe("BFF request rules", () => {
  it.each([
    ["GET", "/auth/session"],
    ["POST", "/auth/logout"],
    ["GET", "/api/items"],
    ["DELETE", "/api/items/1"],
  ])("refuses %s %s without X-CSRF: 403 csrf_required, session untouched", async (method, path) => {
    // Prepare
    const before = await sessionSnapshot(alice);
    const calls = stack.upstream.requests.length;
    // Act
    const response = await alice.request(`${stack.app}${path}`, { method, headers: { origin: stack.app } });
    // Assess
    expect(response.status).toBe(403);
    expect(response.json()).toEqual({ error: "csrf_required", message: 'The "X-CSRF: 1" header is required' });
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await sessionSnapshot(alice)).toEqual(before);
    expect(stack.upstream.requests.length).toBe(calls);
  });

  it.each([
    ["another Origin", { origin: "https://evil.example" }],
    ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
  ])("refuses a cross-site API call (%s): 403 cross_site_request", async (_name, headers) => {
    // Prepare
    const calls = stack.upstream.requests.length;
    // Act
    const response = await alice.request(`${stack.app}/api/items`, {
      method: "POST",
      headers: { ...spaHeaders(stack.app), ...headers, "content-type": "application/json" },
      body: "{}",
    });
    // Assess
    expect(response.status).toBe(403);
    expect(response.json()).toEqual({ error: "cross_site_request", message: "Cross-site requests are not allowed" });
    expect(stack.upstream.requests.length).toBe(calls);
  });

  it("logs nobody out on GET /auth/logout: 405 method_not_allowed", async () => {
    // Act
    const response = await alice.request(`${stack.app}/auth/logout`, { headers: spaHeaders(stack.app) });
    // Assess
    expect(response.status).toBe(405);
    expect(response.json()).toEqual({ error: "method_not_allowed", message: "Use POST" });
    expect(response.headers.get("allow")).toBe("POST");
    expect(await sessionSnapshot(alice)).toBeDefined();
  });

  it.each(["OPTIONS", "TRACE", "PROPFIND"])("answers %s /api/items with 405 JSON and never reaches the upstream", async (method) => {
    // Prepare
    const before = await sessionSnapshot(alice);
    const calls = stack.upstream.requests.length;
    // Act
    const response = await alice.request(`${stack.app}/api/items`, { method, headers: spaHeaders(stack.app) });
    // Assess
    expect(response.status).toBe(405);
    expect(response.json()).toEqual({ error: "method_not_allowed", message: "Use GET, HEAD, POST, PUT, PATCH, DELETE" });
    expect(response.headers.get("allow")).toBe("GET, HEAD, POST, PUT, PATCH, DELETE");
    expect(await sessionSnapshot(alice)).toEqual(before);
    expect(stack.upstream.requests.length).toBe(calls);
  });

  it.each([
    "/api/items/../admin",
    "/api/items/%2e%2e/admin",
    "/api/items%2f..%2fadmin",
    "/api/items/%252e%252e/admin",
    "/api/items\\admin",
  ])("refuses the traversal %s: 400 invalid_path, nothing proxied", async (path) => {
    // Prepare
    const calls = stack.upstream.requests.length;
    // Act
    const response = await alice.request(`${stack.app}${path}`, { headers: spaHeaders(stack.app) });
    // Assess
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ error: "invalid_path", message: "The API path is not allowed" });
    expect(stack.upstream.requests.length).toBe(calls);
  });

  it("refuses a body over MAX_BODY_BYTES: 413 payload_too_large, nothing proxied", async () => {
    // Prepare
    const calls = stack.upstream.requests.length;
    // Act
    const response = await alice.request(`${stack.app}/api/items`, {
      method: "POST",
      headers: { ...spaHeaders(stack.app), "content-type": "application/json" },
      body: JSON.stringify({ text: "x".repeat(2000) }),
    });
    // Assess
    expect(response.status).toBe(413);
    expect(response.json()).toEqual({ error: "payload_too_large", message: "The request body exceeds 1024 bytes" });
    expect(stack.upstream.requests.length).toBe(calls);
  });

  it("is refused by the edge when a body comes without its SHA-256, as behind CloudFront OAC", async () => {
    // Act
    const response = await alice.request(`${stack.app}/api/items`, {
      method: "POST",
      headers: { ...spaHeaders(stack.app), "content-type": "application/json" },
      body: "{}",
      omitBodyHash: true,
    });
    // Assess
    expect(response.status).toBe(403);
  });

  it("passes an upstream 404 through with the API's body", async () => {
    const response = await alice.request(`${stack.app}/api/missing`, { headers: spaHeaders(stack.app) });
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({ ok: true, path: "/local/missing" });
  });

  it("treats a tampered session cookie as no session: 401, cookie cleared, nothing proxied", async () => {
    // Prepare
    const browser = new Browser();
    const value = alice.cookie(host, "__Host-session") ?? "";
    browser.setCookie(host, "__Host-session", `${value.slice(0, -2)}${value.endsWith("AA") ? "BB" : "AA"}`);
    const calls = stack.upstream.requests.length;
    const count = await stack.sessionCount();
    // Act
    const response = await browser.request(`${stack.app}/api/items`, { headers: spaHeaders(stack.app) });
    // Assess
    expect(response.status).toBe(401);
    expect(response.json()).toEqual({ error: "unauthenticated", message: "No valid session" });
    expect(response.setCookies).toContain("__Host-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax");
    expect(stack.upstream.requests.length).toBe(calls);
    expect(await stack.sessionCount()).toBe(count);
  });

  it("treats an unknown session id as no session on /auth/session", async () => {
    // Prepare
    const browser = new Browser();
    browser.setCookie(host, "__Host-session", "A".repeat(43));
    // Act
    const response = await browser.request(`${stack.app}/auth/session`, { headers: spaHeaders(stack.app) });
    // Assess
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ authenticated: false, login: "hosted" });
    expect(response.setCookies).toContain("__Host-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax");
  });

  it("refuses a session whose token ciphertext was moved from another item", async () => {
    // Prepare: bob's item gets alice's sealed tokens
    const bob = new Browser();
    await login(stack, bob, "bob");
    const key = (browser: Browser) => sessionItemKey(browser.cookie(host, "__Host-session") ?? "");
    const aliceItem = await stack.dynamodb.send(
      new GetItemCommand({ TableName: stack.platform.tables.Sessions, Key: key(alice), ConsistentRead: true }),
    );
    const tokens = aliceItem.Item?.tokens;
    if (!tokens) throw new Error("alice's item has no tokens attribute");
    await stack.dynamodb.send(
      new UpdateItemCommand({
        TableName: stack.platform.tables.Sessions,
        Key: key(bob),
        UpdateExpression: "SET #t = :t",
        ExpressionAttributeNames: { "#t": "tokens" },
        ExpressionAttributeValues: { ":t": tokens },
      }),
    );
    const calls = stack.upstream.requests.length;
    // Act
    const response = await bob.request(`${stack.app}/api/items`, { headers: spaHeaders(stack.app) });
    // Assess
    expect(response.status).toBe(401);
    expect(response.json()).toMatchObject({ error: "unauthenticated" });
    expect(stack.upstream.requests.length).toBe(calls);
  });

  it("ends a session after the idle timeout, whatever the TTL sweeper has not removed", async () => {
    // Prepare
    const browser = new Browser();
    await login(stack, browser, "bob");
    const cookie = browser.cookie(host, "__Host-session") ?? "";
    stack.clock.offset = stack.config.session.idleSeconds + 1;
    try {
      // Act
      const who = await browser.request(`${stack.app}/auth/session`, { headers: spaHeaders(stack.app) });
      // Assess
      expect(who.status).toBe(200);
      expect(who.json()).toEqual({ authenticated: false, login: "hosted" });
      expect(who.setCookies).toContain("__Host-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax");
      expect(appLogLines.some((line) => line.includes('"auth.session_expired"') && line.includes(sessionRef(cookie)))).toBe(true);
    } finally {
      stack.clock.offset = 0;
    }
  });

  it("ends a session at its absolute lifetime even when it was used all along", async () => {
    // Prepare: a request every 20 minutes keeps the idle deadline sliding
    const browser = new Browser();
    await login(stack, browser, "bob");
    const cookie = browser.cookie(host, "__Host-session") ?? "";
    const { absoluteSeconds } = stack.config.session;
    try {
      for (let offset = 1200; offset < absoluteSeconds; offset += 1200) {
        stack.clock.offset = offset;
        const alive = await browser.request(`${stack.app}/auth/session`, { headers: spaHeaders(stack.app) });
        expect(alive.json()).toMatchObject({ authenticated: true });
      }
      stack.clock.offset = absoluteSeconds + 1;
      // Act
      const response = await browser.request(`${stack.app}/api/items`, { headers: spaHeaders(stack.app) });
      // Assess
      expect(response.status).toBe(401);
      expect(response.json()).toMatchObject({ error: "unauthenticated" });
      expect(await stack.sessions.get(cookie, now() + stack.clock.offset)).toBeUndefined();
    } finally {
      stack.clock.offset = 0;
    }
  });

  it("sets the security headers on every answer", async () => {
    // Act
    const responses = await Promise.all([
      alice.request(`${stack.app}/auth/session`, { headers: spaHeaders(stack.app) }),
      alice.request(`${stack.app}/api/items`, { headers: spaHeaders(stack.app) }),
      alice.request(`${stack.app}/auth/nope`, { headers: spaHeaders(stack.app) }),
    ]);
    // Assess
    for (const response of responses) {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      // The edge's response headers policy replaces the BFF's own no-referrer, as CloudFront's does (override).
      expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
    }
    expect(responses[2]?.status).toBe(404);
    expect(responses[2]?.json()).toEqual({ error: "not_found", message: "No such route" });
  });
});
