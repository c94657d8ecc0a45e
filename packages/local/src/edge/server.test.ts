import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { responseHeadersPolicy } from "@spa-bff/core/infra";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { inProcess } from "../lambda/in-process.ts";
import { sha256Hex } from "./body-hash.ts";
import { type EdgeOptions, edgeServerAddress, type RunningEdge, startEdge } from "./server.ts";

type Handler = (event: APIGatewayProxyEventV2) => unknown;

/** The BFF's origins, all served by one handler in this process; `/files` itself is a route, as in the declaration. */
function bffAt(handler: Handler): EdgeOptions["functions"] {
  return [
    ...["/auth/", "/api/"].map((prefix) => ({ prefix, invoke: inProcess(handler) })),
    { prefix: "/files/", bare: true, invoke: inProcess(handler) },
  ];
}

const echo: Handler = async (event) => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  cookies: ["__Host-session=new; Path=/; Secure; HttpOnly; SameSite=Lax", "login=; Path=/auth; Max-Age=0"],
  body: JSON.stringify(event),
});

let dist: string;
let running: RunningEdge | undefined;

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), "edge-server-"));
  await mkdir(join(dist, "assets"));
  await writeFile(join(dist, "index.html"), "<!doctype html><title>spa</title>");
  await writeFile(join(dist, "assets", "app-AbCdEf12.js"), "export {}");
});

afterAll(async () => {
  await rm(dist, { recursive: true, force: true });
});

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function start(overrides: Partial<EdgeOptions> = {}): Promise<RunningEdge> {
  running = await startEdge({ port: 0, functions: bffAt(echo), spa: { kind: "static", dir: dist }, ...overrides });
  return running;
}

/** A raw request, so repeated headers stay repeated (fetch would merge them). */
function rawGet(url: string, headers: Record<string, string | string[]>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url.replace("localhost", "127.0.0.1"), { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("startEdge: the BFF as a function URL", () => {
  it("delivers a payload 2.0 event with a cookies array, lower-cased headers and the decoded query", async () => {
    // Prepare
    const edge = await start();
    // Act
    const response = await fetch(`${edge.url}/auth/login?returnTo=%2Fitems&x=1&x=2`, {
      headers: { Cookie: "__Host-session=abc; theme=dark", "X-CSRF": "1", "X-Forwarded-For": "203.0.113.7" },
    });
    const event = (await response.json()) as APIGatewayProxyEventV2;
    // Assess
    expect(response.status).toBe(200);
    expect(event.version).toBe("2.0");
    expect(event.routeKey).toBe("$default");
    expect(event.rawPath).toBe("/auth/login");
    expect(event.rawQueryString).toBe("returnTo=%2Fitems&x=1&x=2");
    expect(event.queryStringParameters).toEqual({ returnTo: "/items", x: "1,2" });
    expect(event.cookies).toEqual(["__Host-session=abc", "theme=dark"]);
    expect(event.headers.cookie).toBeUndefined();
    expect(event.headers["x-csrf"]).toBe("1");
    expect(event.headers.host).toBe(`localhost:${edge.port}`);
    expect(event.headers["x-forwarded-for"]).toBe("203.0.113.7, 127.0.0.1");
    expect(event.headers["x-forwarded-proto"]).toBe("http");
    expect(event.headers.connection).toBeUndefined();
    expect(event.requestContext).toMatchObject({
      accountId: "anonymous",
      stage: "$default",
      routeKey: "$default",
      http: { method: "GET", path: "/auth/login" },
    });
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
  });

  it("sends each returned cookie as its own Set-Cookie line", async () => {
    const edge = await start();
    const response = await fetch(`${edge.url}/auth/session`);
    expect(response.headers.getSetCookie()).toEqual([
      "__Host-session=new; Path=/; Secure; HttpOnly; SameSite=Lax",
      "login=; Path=/auth; Max-Age=0",
    ]);
  });

  it("keeps a Set-Cookie header next to the cookies array and drops hop-by-hop response headers", async () => {
    const edge = await start({
      functions: bffAt(async () => ({
        statusCode: 204,
        headers: { "Set-Cookie": "a=1; Path=/", "Transfer-Encoding": "gzip", "X-Ok": "1" },
        cookies: ["b=2; Path=/"],
      })),
    });
    const response = await fetch(`${edge.url}/auth/session`);
    expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(response.headers.get("x-ok")).toBe("1");
    expect(response.headers.get("transfer-encoding")).toBeNull();
  });

  it("joins repeated request headers with commas", async () => {
    const edge = await start();
    const response = await rawGet(`${edge.url}/api/items`, { "X-Multi": ["one", "two"] });
    const event = JSON.parse(response.body) as APIGatewayProxyEventV2;
    expect(event.headers["x-multi"]).toBe("one,two");
  });

  it("routes a bare path to the BFF only where its origin says so (/files), as CloudFront's behaviours do", async () => {
    const edge = await start();
    const files = await fetch(`${edge.url}/files`);
    const api = await fetch(`${edge.url}/api`);
    expect(((await files.json()) as APIGatewayProxyEventV2).rawPath).toBe("/files");
    // The static site's answer (no such file for a non-navigation), not the BFF's echo of an event.
    expect(api.status).toBe(404);
    expect(await api.text()).not.toContain("rawPath");
  });

  it("passes a JSON body as text and a binary body as base64 when the body hash matches", async () => {
    const edge = await start();
    const json = '{"name":"ü"}';
    const binary = Buffer.from([0, 1, 2, 255]);
    const textResponse = await fetch(`${edge.url}/api/items`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-amz-content-sha256": sha256Hex(Buffer.from(json)) },
      body: json,
    });
    const binaryResponse = await fetch(`${edge.url}/api/files`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream", "x-amz-content-sha256": sha256Hex(binary) },
      body: binary,
    });
    const textEvent = (await textResponse.json()) as APIGatewayProxyEventV2;
    const binaryEvent = (await binaryResponse.json()) as APIGatewayProxyEventV2;
    expect(textEvent).toMatchObject({ body: json, isBase64Encoded: false });
    expect(binaryEvent).toMatchObject({ body: "AAEC/w==", isBase64Encoded: true });
  });

  it("answers 403 without calling the BFF when the body hash is missing or wrong", async () => {
    // Prepare
    let calls = 0;
    const edge = await start({
      functions: bffAt(async (event) => {
        calls++;
        return echo(event);
      }),
    });
    // Act
    const missing = await fetch(`${edge.url}/auth/logout`, { method: "POST", body: "{}" });
    const wrong = await fetch(`${edge.url}/auth/logout`, {
      method: "POST",
      headers: { "x-amz-content-sha256": sha256Hex(Buffer.from("other")) },
      body: "{}",
    });
    // Assess
    for (const response of [missing, wrong]) {
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: "The request signature we calculated does not match the signature you provided." });
    }
    expect(calls).toBe(0);
  });

  it("lets a bodyless POST through without a body hash", async () => {
    const edge = await start();
    const response = await fetch(`${edge.url}/auth/logout`, { method: "POST" });
    expect(response.status).toBe(200);
  });

  it("answers 413 for a body over the limit", async () => {
    const edge = await start({ maxBodyBytes: 32 });
    const body = "x".repeat(33);
    const response = await fetch(`${edge.url}/api/items`, {
      method: "POST",
      headers: { "x-amz-content-sha256": sha256Hex(Buffer.from(body)) },
      body,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: "Request must be smaller than 32 bytes for the InvokeFunction operation" });
  });

  it("maps a base64 result body and answers 200 JSON for a result without statusCode", async () => {
    const edge = await start({
      functions: bffAt(async (event) =>
        event.rawPath === "/api/raw"
          ? ({ greeting: "hi" } as never)
          : {
              statusCode: 201,
              headers: { "content-type": "image/png" },
              body: Buffer.from([137, 80]).toString("base64"),
              isBase64Encoded: true,
            },
      ),
    });
    const binary = await fetch(`${edge.url}/api/image`);
    const inferred = await fetch(`${edge.url}/api/raw`);
    expect(binary.status).toBe(201);
    expect(Buffer.from(await binary.arrayBuffer())).toEqual(Buffer.from([137, 80]));
    expect(inferred.status).toBe(200);
    expect(inferred.headers.get("content-type")).toBe("application/json");
    expect(await inferred.json()).toEqual({ greeting: "hi" });
  });

  it("answers 502 without details when the BFF throws", async () => {
    const edge = await start({
      functions: bffAt(async () => {
        throw new Error("token eyJ.secret leaked?");
      }),
    });
    const response = await fetch(`${edge.url}/auth/session`);
    const text = await response.text();
    expect(response.status).toBe(502);
    expect(text).toBe("Internal Server Error");
    expect(text).not.toContain("secret");
  });
});

describe("startEdge: what CloudFront adds and replaces", () => {
  /** A BFF answer with its own, stricter security headers, as the BFF sends them. */
  const strictBff: Handler = async () => ({
    statusCode: 200,
    headers: {
      "content-type": "application/json",
      "cache-control": "no-store",
      "Referrer-Policy": "no-referrer",
      "x-frame-options": "SAMEORIGIN",
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    },
    cookies: ["__Host-session=x; Path=/; Secure; HttpOnly; SameSite=Lax"],
    body: "{}",
  });

  it("gives the BFF's answers the declared headers policy, each header replacing the BFF's own, as the deployed policy's override does", async () => {
    // Prepare
    const edge = await start({ functions: bffAt(strictBff) });
    // Act
    const response = await fetch(`${edge.url}/api/items`);
    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get("referrer-policy")).toBe(responseHeadersPolicy.referrerPolicy);
    expect(response.headers.get("x-frame-options")).toBe(responseHeadersPolicy.frameOptions);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toBe(responseHeadersPolicy.contentSecurityPolicy.join("; "));
    // What the policy does not name passes as the BFF sent it.
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.getSetCookie()).toEqual(["__Host-session=x; Path=/; Secure; HttpOnly; SameSite=Lax"]);
  });

  it("applies the policy to the function URL's own failures and to the edge's refusals on the BFF's paths", async () => {
    // Prepare
    const edge = await start({
      functions: bffAt(async () => {
        throw new Error("boom");
      }),
    });
    // Act
    const failed = await fetch(`${edge.url}/auth/session`);
    const refused = await fetch(`${edge.url}/auth/logout`, { method: "POST", body: "{}" });
    // Assess
    expect([failed.status, refused.status]).toEqual([502, 403]);
    for (const response of [failed, refused]) {
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    }
  });

  it("keeps the BFF's own values under a policy without override, adding only the headers it did not send", async () => {
    // Prepare
    const edge = await start({ functions: bffAt(strictBff), headersPolicy: { ...responseHeadersPolicy, override: false } });
    // Act
    const response = await fetch(`${edge.url}/api/items`);
    // Assess
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("gives the BFF an edge server as sourceIp and the viewer's address in x-viewer-ip, whatever the client claims", async () => {
    // Prepare
    const edge = await start();
    // Act
    const response = await fetch(`${edge.url}/auth/session`, {
      headers: { "X-Viewer-IP": "198.51.100.7", "X-Forwarded-For": "198.51.100.8" },
    });
    const event = (await response.json()) as APIGatewayProxyEventV2;
    // Assess
    expect(event.requestContext.http.sourceIp).toBe(edgeServerAddress);
    expect(event.requestContext.http.sourceIp).not.toBe("127.0.0.1");
    expect(event.headers["x-viewer-ip"]).toBe("127.0.0.1");
    expect(event.headers["x-forwarded-for"]).toBe("198.51.100.8, 127.0.0.1");
  });
});

describe("startEdge: the SPA", () => {
  it("serves index.html for navigations with the security headers and no-cache", async () => {
    const edge = await start();
    const response = await fetch(`${edge.url}/items/42`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("<title>spa</title>");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("content-security-policy")).not.toContain("unsafe-inline");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(response.headers.get("strict-transport-security")).toBeNull();
  });

  it("serves a hashed asset as immutable and a missing asset as 404", async () => {
    const edge = await start();
    const asset = await fetch(`${edge.url}/assets/app-AbCdEf12.js`);
    const missing = await fetch(`${edge.url}/assets/gone-AbCdEf12.js`);
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(missing.status).toBe(404);
  });

  it("refuses a path traversal over the wire", async () => {
    const edge = await start();
    const response = await rawGet(`${edge.url}/%2e%2e/%2e%2e/etc/passwd`, {});
    expect(response.status).toBe(404);
    expect(response.body).not.toContain("root:");
  });

  it("does not reach the private API: its stage path is just an unknown SPA path", async () => {
    let calls = 0;
    const edge = await start({
      functions: bffAt(async (event) => {
        calls++;
        return echo(event);
      }),
    });
    const response = await fetch(`${edge.url}/local/items`);
    expect(response.status).toBe(404);
    expect(calls).toBe(0);
  });

  it("answers 404 JSON when there is no SPA", async () => {
    const edge = await start({ spa: { kind: "none" } });
    const response = await fetch(`${edge.url}/`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: "Not Found" });
  });

  it("refuses methods other than GET and HEAD on static files", async () => {
    const edge = await start();
    const response = await fetch(`${edge.url}/index.html`, { method: "POST", body: "x" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });
});

describe("startEdge: lifecycle", () => {
  it("builds its URL with localhost while listening on loopback", async () => {
    const edge = await start();
    expect(edge.url).toBe(`http://localhost:${edge.port}`);
  });

  it("stops and starts again on the same port", async () => {
    const edge = await start();
    await edge.stop();
    await expect(fetch(`${edge.url}/auth/session`)).rejects.toThrow();
    await edge.start();
    expect((await fetch(`${edge.url}/auth/session`)).status).toBe(200);
  });

  it("rejects with a message naming the port when it is taken", async () => {
    // Prepare
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    // Act
    const attempt = startEdge({ port, functions: bffAt(echo), spa: { kind: "none" } });
    // Assess
    await expect(attempt).rejects.toThrow(`Local edge: port ${port} on 127.0.0.1 is already in use (EADDRINUSE)`);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  });
});
