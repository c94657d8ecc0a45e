/**
 * The SPA under `sst dev`: SST runs `npm run dev` in web/ with
 * SPA_DEV_PROXY_TARGET set to the stage's Router URL (checks/dev-mode.ts).
 * This runs that Vite dev server for real, with web/vite.config.ts, in front
 * of a stand-in for the Router, and shows what the browser relies on: one
 * origin for the SPA and the BFF, the session cookie and redirects passed
 * through untouched, and the browser's Origin header reaching the BFF.
 */
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createServer, loadConfigFromFile, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./harness/index.ts";

const webRoot = path.join(repoRoot, "web");
const configFile = path.join(webRoot, "vite.config.ts");
const browserOrigin = "http://localhost:5173";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let router: Server;
let routerHost: string;
let vite: ViteDevServer;
let viteUrl: string;
const seen: Seen[] = [];

beforeAll(async () => {
  router = createHttpServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      if (req.url?.startsWith("/auth/login")) {
        res.writeHead(302, {
          location: "https://idp.example.org/oauth2/authorize?client_id=web",
          "set-cookie": "__Host-login-1=x; Path=/; HttpOnly; Secure",
        });
        res.end();
        return;
      }
      res.writeHead(200, {
        "content-type": "application/json",
        "set-cookie": "__Host-session=opaque; Max-Age=1800; Path=/; HttpOnly; Secure; SameSite=Lax",
      });
      res.end(JSON.stringify({ from: "router", url: req.url }));
    });
  });
  await new Promise<void>((resolve) => router.listen(0, "127.0.0.1", resolve));
  routerHost = `127.0.0.1:${(router.address() as AddressInfo).port}`;

  // The config reads the variable when it loads, as under `sst dev`.
  process.env.SPA_DEV_PROXY_TARGET = `http://${routerHost}`;
  try {
    // Port 0: the test must not depend on 5173 being free; everything else comes from the config file.
    vite = await createServer({ root: webRoot, configFile, logLevel: "silent", server: { port: 0, strictPort: false, hmr: false } });
    await vite.listen();
  } finally {
    delete process.env.SPA_DEV_PROXY_TARGET;
  }
  const address = vite.httpServer?.address() as AddressInfo | null | undefined;
  if (!address) throw new Error("Vite's dev server is not listening");
  viteUrl = `http://localhost:${address.port}`;
});

afterAll(async () => {
  await vite?.close();
  await new Promise<void>((resolve) => router?.close(() => resolve()));
});

const lastSeen = () => seen[seen.length - 1];

describe("the SPA's dev server under sst dev", () => {
  it("listens on 5173 and refuses another port, since http://localhost:5173 is the registered callback origin", async () => {
    // Act
    const loaded = await loadConfigFromFile({ command: "serve", mode: "development" }, configFile, webRoot, "silent");

    // Assess
    expect(loaded?.config.server).toMatchObject({ port: 5173, strictPort: true });
    // Without the variable (npm start embeds Vite, the local edge serves the BFF) there is no proxy.
    expect(loaded?.config.server?.proxy).toBeUndefined();
  });

  it("serves the SPA itself on /", async () => {
    // Act
    const response = await fetch(`${viteUrl}/`);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<div id="root">');
    expect(seen.filter((s) => s.url === "/")).toEqual([]);
  });

  it("passes /auth/session to the Router with the browser's cookie, Origin and X-CSRF, and the session cookie back unchanged", async () => {
    // Act
    const response = await fetch(`${viteUrl}/auth/session`, {
      headers: { cookie: "__Host-session=opaque", origin: browserOrigin, "x-csrf": "1", "sec-fetch-site": "same-origin" },
    });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ from: "router", url: "/auth/session" });
    expect(response.headers.get("set-cookie")).toBe("__Host-session=opaque; Max-Age=1800; Path=/; HttpOnly; Secure; SameSite=Lax");
    expect(lastSeen()?.headers).toMatchObject({
      // CloudFront routes by Host: it must be the Router's.
      host: routerHost,
      cookie: "__Host-session=opaque",
      origin: browserOrigin,
      "x-csrf": "1",
      "sec-fetch-site": "same-origin",
    });
  });

  it("returns the BFF's login redirect to the IdP as is, login cookie included", async () => {
    // Act
    const response = await fetch(`${viteUrl}/auth/login?returnTo=%2Fitems`, { redirect: "manual" });

    // Assess
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://idp.example.org/oauth2/authorize?client_id=web");
    expect(response.headers.get("set-cookie")).toBe("__Host-login-1=x; Path=/; HttpOnly; Secure");
    expect(lastSeen()?.url).toBe("/auth/login?returnTo=%2Fitems");
  });

  it("passes an API write with its body and its x-amz-content-sha256 (which CloudFront's OAC signing needs)", async () => {
    // Prepare
    const body = JSON.stringify({ title: "milk" });

    // Act
    const response = await fetch(`${viteUrl}/api/items`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "x-amz-content-sha256": "f".repeat(64), origin: browserOrigin, "x-csrf": "1" },
    });

    // Assess
    expect(response.status).toBe(200);
    expect(lastSeen()).toMatchObject({
      method: "POST",
      url: "/api/items",
      body,
      headers: { "x-amz-content-sha256": "f".repeat(64), origin: browserOrigin },
    });
  });

  it("proxies /files and /files/… as the Router does, and leaves look-alike paths to the SPA", async () => {
    // Act
    const list = await fetch(`${viteUrl}/files`);
    const one = await fetch(`${viteUrl}/files/report.pdf`);
    const before = seen.length;
    const lookAlike = await fetch(`${viteUrl}/filesystem`);

    // Assess
    expect(await list.json()).toEqual({ from: "router", url: "/files" });
    expect(await one.json()).toEqual({ from: "router", url: "/files/report.pdf" });
    expect(lookAlike.status).toBe(200);
    expect(await lookAlike.text()).toContain('<div id="root">');
    expect(seen.length).toBe(before);
  });
});
