/**
 * A hostile client against the local edge and BFF: HTTP method overrides,
 * unicode and percent-encoding tricks in paths, Host/X-Forwarded-* spoofing,
 * login CSRF, session and login-cookie swaps, prototype-pollution JSON.
 */
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { sessionItemKey } from "@spa-bff/bff/testing";
import { startTestPlatform, type TestPlatform } from "@spa-bff/local/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, login, loginUntilCallback, spaHeaders } from "../support/browser.ts";

const aliceSub = "5b0a8c4e-1f0e-4d3a-9a59-6f1d2a7c0a11";
const invalidPath = { error: "invalid_path", message: "The API path is not allowed" };
let tp: TestPlatform;
let host: string;
let alice: Browser;

beforeAll(async () => {
  tp = await startTestPlatform();
  host = new URL(tp.app).hostname;
  alice = new Browser();
  await login(tp, alice, "alice");
});

afterAll(async () => {
  await tp?.stop();
});

const json = (app: string) => ({ ...spaHeaders(app), "content-type": "application/json" });

describe("HTTP method overrides", () => {
  it("logs nobody out on GET /auth/logout with X-HTTP-Method-Override: POST (405), and the session lives on", async () => {
    // Act
    const answer = await alice.request(`${tp.app}/auth/logout?_method=POST`, {
      headers: { ...spaHeaders(tp.app), "x-http-method-override": "POST", "x-method-override": "POST" },
    });
    const session = await alice.request(`${tp.app}/auth/session`, { headers: spaHeaders(tp.app) });
    // Assess
    expect(answer.status).toBe(405);
    expect(answer.json()).toEqual({ error: "method_not_allowed", message: "Use POST" });
    expect(session.json()).toMatchObject({ authenticated: true });
  });

  it("does not pass a method override to the API: a GET with X-HTTP-Method-Override: DELETE deletes nothing", async () => {
    // Prepare
    const created = await alice.request(`${tp.app}/api/items`, {
      method: "POST",
      body: JSON.stringify({ title: "keep me" }),
      headers: json(tp.app),
    });
    const id = created.json<{ id: string }>().id;
    // Act
    const answer = await alice.request(`${tp.app}/api/items/${id}?_method=DELETE`, {
      headers: { ...spaHeaders(tp.app), "x-http-method-override": "DELETE", "x-http-method": "DELETE" },
    });
    const list = await alice.request(`${tp.app}/api/items`, { headers: spaHeaders(tp.app) });
    // Assess
    expect(created.status).toBe(201);
    expect(answer.status).not.toBe(204);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(list.json())).toContain(id);
  });

  it("answers 405 to POST /auth/session with X-HTTP-Method-Override: GET", async () => {
    // Act
    const answer = await alice.request(`${tp.app}/auth/session`, {
      method: "POST",
      body: "{}",
      headers: { ...json(tp.app), "x-http-method-override": "GET" },
    });
    // Assess
    expect(answer.status).toBe(405);
    expect(answer.json()).toEqual({ error: "method_not_allowed", message: "Use GET" });
    expect(answer.headers.get("allow")).toBe("GET");
  });
});

describe("unicode and percent-encoding tricks in /api paths", () => {
  it.each([
    ["an encoded dot-dot segment", "/api/items/%2e%2e/whoami"],
    ["an upper-case encoded dot-dot", "/api/items/%2E%2E/whoami"],
    ["an encoded slash", "/api/items%2f..%2fwhoami"],
    ["a dot-dot with an encoded slash", "/api/items/..%2fwhoami"],
    ["a double-encoded dot-dot", "/api/items/%252e%252e/whoami"],
    ["an overlong UTF-8 dot", "/api/items/%c0%ae%c0%ae/whoami"],
    ["an encoded backslash", "/api/items/..%5cwhoami"],
    ["a raw backslash", "/api/items\\..\\whoami"],
    ["an encoded NUL", "/api/items/%00"],
    ["a raw dot-dot segment", "/api/items/../whoami"],
    ["an empty segment", "/api/items//whoami"],
  ])("refuses %s with 400 invalid_path before reading the session", async (_name, path) => {
    // Act
    const answer = await alice.request(`${tp.app}${path}`, { headers: spaHeaders(tp.app) });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.json()).toEqual(invalidPath);
  });

  it.each([
    ["full-width dots", "/api/%EF%BC%8E%EF%BC%8E/whoami"],
    ["a Tomcat-style dot-dot-semicolon", "/api/items/..;/whoami"],
    ["a one-dot-leader pair", "/api/%E2%80%A4%E2%80%A4/whoami"],
  ])("passes %s to the API as a literal segment, which routes nowhere (never /whoami)", async (_name, path) => {
    // Act
    const answer = await alice.request(`${tp.app}${path}`, { headers: spaHeaders(tp.app) });
    // Assess
    expect([403, 404]).toContain(answer.status);
    expect(answer.body).not.toContain(aliceSub);
  });

  it("sends an encoded /api prefix to the SPA side, not the BFF", async () => {
    // Act
    const answer = await alice.request(`${tp.app}/%61pi/whoami`, { headers: spaHeaders(tp.app) });
    // Assess
    expect(answer.status).toBe(404);
    expect(answer.json()).toEqual({ message: "Not Found" });
  });
});

describe("Host and X-Forwarded-* spoofing", () => {
  const spoofed = {
    "x-forwarded-host": "evil.example",
    "x-forwarded-proto": "https",
    "x-forwarded-port": "443",
    forwarded: "host=evil.example;proto=https",
  };

  it("keeps redirect_uri on the configured origin whatever Host and X-Forwarded-* say", async () => {
    // Act
    const answer = await new Browser().request(`${tp.app}/auth/login`, { headers: { ...spoofed, host: "evil.example" } });
    // Assess
    expect(answer.status).toBe(302);
    const idpUrl = new URL(answer.location ?? "");
    expect(idpUrl.origin).toBe(new URL(tp.platform.urls.idp).origin);
    expect(idpUrl.searchParams.get("redirect_uri")).toBe(`${tp.app}/auth/callback`);
  });

  it("keeps the post-logout redirect on the configured origin whatever Host and X-Forwarded-* say", async () => {
    // Prepare
    const browser = new Browser();
    await login(tp, browser, "bob");
    // Act
    const answer = await browser.request(`${tp.app}/auth/logout`, { method: "POST", headers: { ...spaHeaders(tp.app), ...spoofed } });
    // Assess
    expect(answer.status).toBe(200);
    expect(new URL(answer.json<{ logoutUrl: string }>().logoutUrl).searchParams.get("logout_uri")).toBe(`${tp.app}/`);
  });

  it("refuses an API call whose Origin is another site even with the session cookie and X-CSRF: 403 cross_site_request", async () => {
    // Act
    const answer = await alice.request(`${tp.app}/api/whoami`, {
      headers: { ...spaHeaders(tp.app), origin: "https://evil.example", ...spoofed },
    });
    // Assess
    expect(answer.status).toBe(403);
    expect(answer.json()).toEqual({ error: "cross_site_request", message: "Cross-site requests are not allowed" });
  });
});

describe("login CSRF and session swaps", () => {
  it("refuses a callback URL started by someone else: 400 invalid_login_state, no session, the victim's session untouched", async () => {
    // Prepare: the attacker logs in as bob and stops before the callback
    const attacker = new Browser();
    const callbackUrl = await loginUntilCallback(tp, attacker, "bob");
    const victimSession = alice.cookie(host, "__Host-session");
    const before = await tp.sessionCount();
    // Act: the victim's browser is made to open the attacker's callback URL
    const answer = await alice.request(callbackUrl);
    const whoami = await alice.request(`${tp.app}/api/whoami`, { headers: spaHeaders(tp.app) });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.json()).toEqual({ error: "invalid_login_state", message: "No login is in progress for this state" });
    expect(answer.setCookies).toEqual([]);
    expect(await tp.sessionCount()).toBe(before);
    expect(alice.cookie(host, "__Host-session")).toBe(victimSession);
    expect(whoami.json()).toMatchObject({ sub: aliceSub });
  });

  it("refuses a login cookie moved onto another login's state: 400 invalid_login_state, no session", async () => {
    // Prepare: two logins in flight; the attacker copies the first's sealed transaction into the second's cookie
    const browser = new Browser();
    const first = new URL(await loginUntilCallback(tp, browser, "bob"));
    const firstCookieName = [...(browser.jar.get(host)?.keys() ?? [])].find((name) => name.startsWith("__Host-login-")) ?? "";
    const firstValue = browser.cookie(host, firstCookieName) ?? "";
    const other = new Browser();
    const second = new URL(await loginUntilCallback(tp, other, "bob"));
    const secondCookieName = [...(other.jar.get(host)?.keys() ?? [])].find((name) => name.startsWith("__Host-login-")) ?? "";
    other.setCookie(host, secondCookieName, firstValue);
    const before = await tp.sessionCount();
    // Act
    const answer = await other.request(second.href);
    // Assess
    expect(first.searchParams.get("state")).not.toBe(second.searchParams.get("state"));
    expect(answer.status).toBe(400);
    expect(answer.json()).toEqual({ error: "invalid_login_state", message: "The login cookie is not valid" });
    expect(await tp.sessionCount()).toBe(before);
  });

  it("refuses sessions whose sealed tokens were swapped between two users' items: both 401, neither becomes the other", async () => {
    // Prepare
    const a = new Browser();
    const b = new Browser();
    const { sessionId: idA } = await login(tp, a, "alice");
    const { sessionId: idB } = await login(tp, b, "bob");
    const table = tp.platform.tables.Sessions;
    const read = async (id: string) =>
      (await tp.dynamodb.send(new GetItemCommand({ TableName: table, Key: sessionItemKey(id), ConsistentRead: true }))).Item ?? {};
    const itemA = await read(idA);
    const itemB = await read(idB);
    await tp.dynamodb.send(new PutItemCommand({ TableName: table, Item: { ...itemA, tokens: itemB.tokens ?? { S: "" } } }));
    await tp.dynamodb.send(new PutItemCommand({ TableName: table, Item: { ...itemB, tokens: itemA.tokens ?? { S: "" } } }));
    // Act
    const answerA = await a.request(`${tp.app}/api/whoami`, { headers: spaHeaders(tp.app) });
    const answerB = await b.request(`${tp.app}/auth/session`, { headers: spaHeaders(tp.app) });
    // Assess
    expect(answerA.status).toBe(401);
    expect(answerA.json()).toEqual({ error: "unauthenticated", message: "No valid session" });
    expect(answerB.json()).toEqual({ authenticated: false, login: "hosted" });
  });

  it("gives a browser that carried someone else's session id a brand-new id at login, and the planted id stops working", async () => {
    // Prepare: the attacker plants their own session id in the victim's browser (fixation)
    const attacker = new Browser();
    const { sessionId: planted } = await login(tp, attacker, "bob");
    const victim = new Browser();
    victim.setCookie(host, "__Host-session", planted);
    // Act
    const { sessionId } = await login(tp, victim, "alice");
    const attackerView = await attacker.request(`${tp.app}/auth/session`, { headers: spaHeaders(tp.app) });
    // Assess
    expect(sessionId).not.toBe(planted);
    expect(attackerView.json()).toEqual({ authenticated: false, login: "hosted" });
  });
});

describe("JSON with prototype-pollution keys", () => {
  it.each([
    ["__proto__", '{"title":"x","__proto__":{"polluted":"yes"}}'],
    ["constructor.prototype", '{"title":"x","constructor":{"prototype":{"polluted":"yes"}}}'],
  ])("refuses an item with a %s key: 400 validation_failed, nothing written, no prototype changed", async (_name, body) => {
    // Prepare
    const before = JSON.stringify((await alice.request(`${tp.app}/api/items`, { headers: spaHeaders(tp.app) })).json());
    // Act
    const answer = await alice.request(`${tp.app}/api/items`, { method: "POST", body, headers: json(tp.app) });
    const after = JSON.stringify((await alice.request(`${tp.app}/api/items`, { headers: spaHeaders(tp.app) })).json());
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ error: "validation_failed", message: "The item is invalid" });
    expect(after).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("refuses a list cursor that decodes to a prototype-pollution object: 400, no prototype changed", async () => {
    // Prepare
    const cursor = Buffer.from('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}').toString("base64url");
    // Act
    const answer = await alice.request(`${tp.app}/api/items?cursor=${cursor}`, { headers: spaHeaders(tp.app) });
    // Assess
    expect(answer.status).toBe(400);
    expect(Object.prototype).not.toHaveProperty("polluted");
  });
});
