/**
 * Fault injection: the private REST API (the platform's gateway) stopped, or
 * replaced on its port by a server that accepts requests and never answers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { startTestPlatform, type TestPlatform } from "@spa-bff/local/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, login, spaHeaders } from "../support/browser.ts";
import { watchUnhandledRejections } from "../support/faults.ts";

const rejections = watchUnhandledRejections();
let tp: TestPlatform;
let browser: Browser;
let sessionId: string;

beforeAll(async () => {
  tp = await startTestPlatform({ bffEnv: { UPSTREAM_TIMEOUT_MS: "300" } });
  browser = new Browser();
  ({ sessionId } = await login(tp, browser, "alice"));
  // The API's functions start before the tests: a cold start takes longer than this suite's 300 ms upstream timeout.
  await tp.platform.provision(["bffApi", "authorizer", "items"]);
});

afterAll(async () => {
  rejections.dispose();
  await tp?.stop();
});

/** A server on the API's port that holds every request until released; `received` settles on the first one. */
async function startHangingApi(port: number): Promise<{ received: Promise<void>; close(): Promise<void> }> {
  const held: ServerResponse[] = [];
  let onRequest: () => void = () => undefined;
  const received = new Promise<void>((resolve) => {
    onRequest = resolve;
  });
  const server: Server = createServer((_req: IncomingMessage, res) => {
    held.push(res);
    onRequest();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe("the upstream API fails", () => {
  it("answers 502 upstream_unavailable while the API is down, keeps the session, and the same cookie works once it is back", async () => {
    // Prepare
    await tp.platform.parts.gateway.stop();
    let down: Awaited<ReturnType<Browser["request"]>>;
    try {
      // Act
      down = await browser.request(`${tp.app}/api/items`, { headers: spaHeaders(tp.app) });
    } finally {
      await tp.platform.parts.gateway.start();
    }
    const back = await browser.request(`${tp.app}/api/items`, { headers: spaHeaders(tp.app) });
    // Assess
    expect(down.status).toBe(502);
    expect(down.json()).toEqual({ error: "upstream_unavailable", message: "The upstream service is unavailable" });
    expect(down.setCookies).toEqual([]);
    expect(back.status).toBe(200);
    expect(browser.cookie(new URL(tp.app).hostname, "__Host-session")).toBe(sessionId);
  });

  it("answers 504 upstream_timeout when the API does not answer within UPSTREAM_TIMEOUT_MS, and the same cookie works once it answers again", async () => {
    // Prepare
    await tp.platform.parts.gateway.stop();
    const hanging = await startHangingApi(tp.platform.ports.api);
    let slow: Awaited<ReturnType<Browser["request"]>>;
    try {
      // Act
      slow = await browser.request(`${tp.app}/api/items`, { headers: spaHeaders(tp.app) });
      await hanging.received;
    } finally {
      await hanging.close();
      await tp.platform.parts.gateway.start();
    }
    const back = await browser.request(`${tp.app}/api/items`, { headers: spaHeaders(tp.app) });
    // Assess
    expect(slow.status).toBe(504);
    expect(slow.json()).toEqual({ error: "upstream_timeout", message: "The upstream service did not answer in time" });
    expect(slow.setCookies).toEqual([]);
    expect(back.status).toBe(200);
  });

  it("answers 504 to a write that times out without replaying it, and the session still writes after", async () => {
    // Prepare
    await tp.platform.parts.gateway.stop();
    const hanging = await startHangingApi(tp.platform.ports.api);
    const body = JSON.stringify({ title: "written while the API hung" });
    let slow: Awaited<ReturnType<Browser["request"]>>;
    try {
      // Act
      slow = await browser.request(`${tp.app}/api/items`, {
        method: "POST",
        body,
        headers: { ...spaHeaders(tp.app), "content-type": "application/json" },
      });
    } finally {
      await hanging.close();
      await tp.platform.parts.gateway.start();
    }
    const list = await browser.request(`${tp.app}/api/items`, { headers: spaHeaders(tp.app) });
    const write = await browser.request(`${tp.app}/api/items`, {
      method: "POST",
      body: JSON.stringify({ title: "written after" }),
      headers: { ...spaHeaders(tp.app), "content-type": "application/json" },
    });
    // Assess
    expect(slow.status).toBe(504);
    expect(slow.json()).toMatchObject({ error: "upstream_timeout" });
    expect(JSON.stringify(list.json())).not.toContain("written while the API hung");
    expect(write.status).toBe(201);
  });

  it("left no unhandled rejection", () => {
    expect(rejections.reasons).toEqual([]);
  });
});
