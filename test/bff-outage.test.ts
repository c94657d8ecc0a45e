import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BffSuite, startBffSuite } from "./support/bff-suite.ts";
import { Browser, login, loginUntilCallback, spaHeaders } from "./support/browser.ts";

let stack: BffSuite;

beforeAll(async () => {
  stack = await startBffSuite({ UPSTREAM_TIMEOUT_MS: "300" });
});

afterAll(async () => {
  await stack?.stop();
});

describe("BFF when a dependency is down", () => {
  it("answers 502 idp_unavailable for a login while the IdP is down, and logs in once it is back", async () => {
    // Prepare: nothing has talked to the IdP yet, so discovery must run now
    await stack.platform.parts.idp.stop();
    let down: Awaited<ReturnType<Browser["request"]>>;
    try {
      // Act
      down = await new Browser().request(`${stack.app}/auth/login`);
    } finally {
      await stack.platform.parts.idp.start();
    }
    const { answer: up } = await login(stack, new Browser(), "alice");
    // Assess
    expect(down.status).toBe(502);
    expect(down.json()).toEqual({ error: "idp_unavailable", message: "The identity provider is unavailable" });
    expect(up.status).toBe(302);
  });

  it("sends the browser back with auth_error=idp_unavailable when the IdP is down at the callback, without a session", async () => {
    // Prepare
    const browser = new Browser();
    const callbackUrl = await loginUntilCallback(stack, browser, "bob");
    const count = await stack.sessionCount();
    await stack.platform.parts.idp.stop();
    let response: Awaited<ReturnType<Browser["request"]>>;
    try {
      // Act
      response = await browser.request(callbackUrl);
    } finally {
      await stack.platform.parts.idp.start();
    }
    // Assess
    expect(response.status).toBe(302);
    expect(response.location).toBe(`${stack.app}/items?auth_error=idp_unavailable`);
    expect(await stack.sessionCount()).toBe(count);
  });

  it("answers 503 session_store_unavailable and keeps the cookie while DynamoDB is down; the user is still logged in after", async () => {
    // Prepare
    const browser = new Browser();
    await login(stack, browser, "alice");
    await stack.platform.parts.dynamo.stop();
    let session: Awaited<ReturnType<Browser["request"]>>;
    let api: Awaited<ReturnType<Browser["request"]>>;
    let logout: Awaited<ReturnType<Browser["request"]>>;
    try {
      // Act
      session = await browser.request(`${stack.app}/auth/session`, { headers: spaHeaders(stack.app) });
      api = await browser.request(`${stack.app}/api/items`, { headers: spaHeaders(stack.app) });
      logout = await browser.request(`${stack.app}/auth/logout`, { method: "POST", headers: spaHeaders(stack.app) });
    } finally {
      await stack.platform.parts.dynamo.start();
    }
    const after = await browser.request(`${stack.app}/auth/session`, { headers: spaHeaders(stack.app) });
    // Assess
    for (const response of [session, api, logout]) {
      expect(response.status).toBe(503);
      expect(response.json()).toEqual({
        error: "session_store_unavailable",
        message: "The session store is unavailable, try again shortly",
      });
      expect(response.setCookies).toEqual([]);
    }
    expect(after.json()).toMatchObject({ authenticated: true });
  });

  it("answers 502 upstream_unavailable when the API is unreachable", async () => {
    // Prepare
    const browser = new Browser();
    await login(stack, browser, "bob");
    await stack.upstream.stop();
    let response: Awaited<ReturnType<Browser["request"]>>;
    try {
      // Act
      response = await browser.request(`${stack.app}/api/items`, { headers: spaHeaders(stack.app) });
    } finally {
      await stack.upstream.start();
    }
    // Assess
    expect(response.status).toBe(502);
    expect(response.json()).toEqual({ error: "upstream_unavailable", message: "The upstream service is unavailable" });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("answers 504 upstream_timeout when the API does not answer within UPSTREAM_TIMEOUT_MS", async () => {
    // Prepare
    const browser = new Browser();
    await login(stack, browser, "bob");
    // Act
    const response = await browser.request(`${stack.app}/api/hang`, { headers: spaHeaders(stack.app) });
    // Assess
    expect(response.status).toBe(504);
    expect(response.json()).toEqual({ error: "upstream_timeout", message: "The upstream service did not answer in time" });
  });
});
