/**
 * A hostile client against the local edge and BFF: CR/LF injection through
 * every value the BFF echoes, oversized headers and cookies, many and
 * duplicated cookies, duplicated query parameters.
 */

import { startTestPlatform, type TestPlatform } from "@spa-bff/local/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, login, loginUntilCallback, rawRequest, rawStatus, spaHeaders } from "../support/browser.ts";

let tp: TestPlatform;
let host: string;

beforeAll(async () => {
  tp = await startTestPlatform();
  host = new URL(tp.app).hostname;
});

afterAll(async () => {
  await tp?.stop();
});

/** The raw head of an answer, split in lines. */
function headLines(answer: string): string[] {
  return (answer.split("\r\n\r\n")[0] ?? "").split("\r\n");
}

describe("header injection (CR/LF) through echoed values", () => {
  it("sends a returnTo carrying CR/LF and a Set-Cookie back to / after login, with no injected header", async () => {
    // Prepare
    const browser = new Browser();
    // Act
    const { answer } = await login(tp, browser, "alice", "/items\r\nSet-Cookie: injected=1\r\nX-Evil: 1");
    // Assess
    expect(answer.status).toBe(302);
    expect(answer.location).toBe(`${tp.app}/`);
    expect(answer.setCookies.some((line) => line.startsWith("injected="))).toBe(false);
    expect(answer.headers.has("x-evil")).toBe(false);
  });

  it("turns an IdP error parameter carrying CR/LF into auth_error=login_failed, with no injected header", async () => {
    // Prepare
    const browser = new Browser();
    const callbackUrl = new URL(await loginUntilCallback(tp, browser, "bob"));
    const state = callbackUrl.searchParams.get("state") ?? "";
    // Act
    const answer = await browser.request(
      `${tp.app}/auth/callback?state=${encodeURIComponent(state)}&error=access_denied%0D%0ASet-Cookie:%20injected=1&error_description=x%0D%0AX-Evil:%201`,
    );
    // Assess
    expect(answer.status).toBe(302);
    expect(answer.location).toBe(`${tp.app}/items?auth_error=login_failed`);
    expect(answer.setCookies.some((line) => line.startsWith("injected="))).toBe(false);
    expect(answer.headers.has("x-evil")).toBe(false);
  });

  it("never echoes a client x-request-id carrying encoded CR/LF", async () => {
    // Prepare
    const browser = new Browser();
    await login(tp, browser, "alice");
    // Act
    const answer = await browser.request(`${tp.app}/api/whoami`, {
      headers: { ...spaHeaders(tp.app), "x-request-id": "abc%0D%0ASet-Cookie:%20injected=1" },
    });
    // Assess
    expect(answer.status).toBe(200);
    expect(JSON.stringify([...answer.headers])).not.toContain("abc%0D");
    expect(answer.body).not.toContain("abc%0D");
    expect(answer.setCookies.some((line) => line.startsWith("injected="))).toBe(false);
  });

  it("is answered 400 by the edge when a header value carries a bare CR, before the BFF, with no injected header", async () => {
    // Act
    const answer = await rawRequest(
      tp.platform.ports.edge,
      `GET /auth/session HTTP/1.1\r\nHost: localhost\r\nX-CSRF: 1\r\nX-Request-Id: a\rSet-Cookie: injected=1\r\nConnection: close\r\n\r\n`,
    );
    // Assess
    expect(rawStatus(answer)).toBe(400);
    expect(headLines(answer).some((line) => /^set-cookie:/i.test(line))).toBe(false);
  });

  it("does not echo the path of an unknown route in its error", async () => {
    // Act
    const answer = await new Browser().request(`${tp.app}/auth/%0D%0ASet-Cookie:%20injected=1%3Cscript%3E`, {
      headers: spaHeaders(tp.app),
    });
    // Assess
    expect(answer.status).toBe(404);
    expect(answer.json()).toEqual({ error: "not_found", message: "No such route" });
    expect(answer.setCookies).toEqual([]);
  });
});

describe("oversized and many headers and cookies", () => {
  it("refuses a request head over the edge's header limit with 431, whatever the route", async () => {
    // Act
    const answer = await rawRequest(
      tp.platform.ports.edge,
      `GET /auth/session HTTP/1.1\r\nHost: localhost\r\nX-CSRF: 1\r\nCookie: big=${"a".repeat(20_000)}\r\nConnection: close\r\n\r\n`,
    );
    // Assess
    expect(rawStatus(answer)).toBe(431);
  });

  it("treats an 8 KB session cookie as no session: 401 unauthenticated and the cookie cleared", async () => {
    // Act
    const answer = await new Browser().request(`${tp.app}/api/items`, {
      headers: spaHeaders(tp.app),
      cookieHeader: `__Host-session=${"A".repeat(8192)}`,
    });
    // Assess
    expect(answer.status).toBe(401);
    expect(answer.json()).toEqual({ error: "unauthenticated", message: "No valid session" });
    expect(answer.setCookies).toEqual(["__Host-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax"]);
  });

  it("finds the session among 300 other cookies", async () => {
    // Prepare
    const browser = new Browser();
    const { sessionId } = await login(tp, browser, "alice");
    const noise = Array.from({ length: 300 }, (_, index) => `c${index}=${index}`).join("; ");
    // Act
    const answer = await new Browser().request(`${tp.app}/auth/session`, {
      headers: spaHeaders(tp.app),
      cookieHeader: `${noise}; __Host-session=${sessionId}`,
    });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ authenticated: true, user: { name: "Alice Anderson" } });
  });

  it("uses the first of two session cookies: a forged one placed first gets 401 and never another user's session", async () => {
    // Prepare
    const browser = new Browser();
    const { sessionId } = await login(tp, browser, "alice");
    const forged = "B".repeat(43);
    // Act
    const forgedFirst = await new Browser().request(`${tp.app}/api/whoami`, {
      headers: spaHeaders(tp.app),
      cookieHeader: `__Host-session=${forged}; __Host-session=${sessionId}`,
    });
    const realFirst = await new Browser().request(`${tp.app}/api/whoami`, {
      headers: spaHeaders(tp.app),
      cookieHeader: `__Host-session=${sessionId}; __Host-session=${forged}`,
    });
    // Assess
    expect(forgedFirst.status).toBe(401);
    expect(forgedFirst.json()).toEqual({ error: "unauthenticated", message: "No valid session" });
    expect(realFirst.status).toBe(200);
    expect(realFirst.json()).toMatchObject({ sub: "5b0a8c4e-1f0e-4d3a-9a59-6f1d2a7c0a11" });
  });
});

describe("duplicated query parameters", () => {
  it("joins two returnTo values into one same-origin path, never a redirect to another host", async () => {
    // Prepare
    const browser = new Browser();
    const start = await browser.request(`${tp.app}/auth/login?returnTo=%2Fitems&returnTo=%2F%2Fevil.example`);
    const page = await browser.follow(start.location ?? "", `${tp.app}/`);
    const action = /<form[^>]*action="([^"]*)"/.exec(page.body)?.[1] ?? "";
    const back = await browser.follow(new URL(action.replace(/&amp;/g, "&"), start.location).href, `${tp.app}/`, {
      form: { username: "bob", password: tp.password("bob") },
    });
    // Act
    const answer = await browser.request(back.location ?? "");
    // Assess
    expect(answer.status).toBe(302);
    expect(answer.location).toBe(`${tp.app}/items,//evil.example`);
    expect(new URL(answer.location ?? "").origin).toBe(tp.app);
  });

  it("refuses a callback with two state values: 400 invalid_login_state, no session", async () => {
    // Prepare
    const browser = new Browser();
    const callbackUrl = new URL(await loginUntilCallback(tp, browser, "alice"));
    const before = await tp.sessionCount();
    const state = callbackUrl.searchParams.get("state") ?? "";
    // Act
    const answer = await browser.request(
      `${tp.app}/auth/callback?code=${callbackUrl.searchParams.get("code")}&state=${state}&state=${state}`,
    );
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ error: "invalid_login_state" });
    expect(await tp.sessionCount()).toBe(before);
    expect(browser.cookie(host, "__Host-session")).toBeUndefined();
  });

  it("refuses a callback with two code values: back to returnTo with auth_error=login_failed, no session", async () => {
    // Prepare
    const browser = new Browser();
    const callbackUrl = new URL(await loginUntilCallback(tp, browser, "bob"));
    const before = await tp.sessionCount();
    const code = callbackUrl.searchParams.get("code") ?? "";
    // Act
    const answer = await browser.request(
      `${tp.app}/auth/callback?code=${code}&code=${code}&state=${callbackUrl.searchParams.get("state")}`,
    );
    // Assess
    expect(answer.status).toBe(302);
    expect(answer.location).toBe(`${tp.app}/items?auth_error=login_failed`);
    expect(await tp.sessionCount()).toBe(before);
    expect(browser.cookie(host, "__Host-session")).toBeUndefined();
  });
});
