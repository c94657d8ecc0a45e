import { createLogger } from "@spa-bff/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadBffConfig } from "../config.ts";
import { handlerEnv, memorySessionLayer, testNow, testOrigin, testSignIn } from "../testing/fixtures.ts";
import { createBffHandler } from "./bff-handler.ts";

const origin = testOrigin;
const now = testNow;
const config = loadBffConfig({ ...handlerEnv, MAX_BODY_BYTES: "256" });
const accessToken = "access-token-secret-value";
const refreshToken = "refresh-token-secret-value";

async function setup() {
  const { store, sealer, sessions } = memorySessionLayer(config.session);
  const logger = createLogger("bff-property");
  const lines: string[] = [];
  for (const level of ["debug", "info", "warn", "error", "critical"] as const) {
    logger[level] = ((...args: unknown[]) => void lines.push(JSON.stringify(args))) as (typeof logger)[typeof level];
  }
  const handler = createBffHandler(config, {
    sessionStore: store,
    sealer,
    // No network: the IdP is unreachable, the API answers 200.
    idpFetch: (async () => {
      throw new TypeError("fetch failed");
    }) as unknown as typeof fetch,
    upstreamFetch: (async () =>
      new Response('{"ok":true}', { headers: { "content-type": "application/json" } })) as unknown as typeof fetch,
    logger,
    clock: () => now,
  });
  const session = await sessions.create(
    { ...testSignIn, user: { sub: "user-1", name: "Ann" }, tokens: { accessToken, accessTokenExpiresAt: now + 3600, refreshToken } },
    now,
  );
  return { store, sessions, handler, session, lines };
}

const method = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "get", "PROPFIND");
const path = fc.oneof(
  fc.constantFrom(
    "/auth/login",
    "/auth/callback",
    "/auth/session",
    "/auth/logout",
    "/api/items",
    "/api/items/1",
    "/api/",
    "/api",
    "/auth/",
    "/",
  ),
  fc.webPath().map((p) => `/api${p}`),
  fc.string().map((s) => `/auth/${s}`),
  // A function URL's rawPath always starts with "/".
  fc.string({ unit: "binary" }).map((s) => `/${s}`),
);
const headerName = fc.constantFrom(
  "x-csrf",
  "origin",
  "sec-fetch-site",
  "sec-fetch-mode",
  "content-type",
  "content-length",
  "x-request-id",
  "x-http-method-override",
  "host",
  "x-forwarded-host",
  "authorization",
  "cookie",
);
const headerValue = fc.oneof(
  fc.constantFrom("1", origin, "https://evil.example", "null", "same-origin", "cross-site", "navigate", "application/json", "999999999"),
  fc.string({ unit: "binary" }),
);

describe("BFF handler (property)", () => {
  it("answers every request without throwing, without a 500, with the error JSON shape, and leaks no token", async () => {
    const { handler, session, lines } = await setup();
    const cookie = fc.oneof(
      fc.constant(undefined),
      fc.constant(`__Host-session=${session.id}`),
      fc.string({ unit: "binary" }),
      fc.stringMatching(/^[A-Za-z0-9_-]{22,128}$/).map((id) => `__Host-session=${id}`),
    );
    await fc.assert(
      fc.asyncProperty(
        method,
        path,
        fc.dictionary(headerName, headerValue, { maxKeys: 6 }),
        cookie,
        fc.option(fc.string({ unit: "binary" }), { nil: undefined }),
        fc.string(),
        fc.boolean(),
        async (m, rawPath, headers, cookieEntry, body, query, base64) => {
          // Prepare
          const event = {
            version: "2.0",
            routeKey: "$default",
            rawPath,
            rawQueryString: query,
            headers,
            ...(cookieEntry === undefined ? {} : { cookies: [cookieEntry] }),
            queryStringParameters: Object.fromEntries(new URLSearchParams(query)),
            requestContext: { http: { method: m, path: rawPath }, requestId: "fuzz" },
            ...(body === undefined ? {} : { body }),
            isBase64Encoded: base64,
          } as unknown as APIGatewayProxyEventV2;
          // Act
          const result = await handler(event);
          // Assess
          const status = result.statusCode ?? 200;
          expect(status).not.toBe(500);
          expect([200, 302, 400, 401, 403, 404, 405, 413, 502]).toContain(status);
          const text = result.body ?? "";
          expect(text).not.toContain(accessToken);
          expect(text).not.toContain(refreshToken);
          if (status >= 400) {
            const parsed = JSON.parse(text) as Record<string, unknown>;
            expect(Object.keys(parsed).sort()).toEqual(["error", "message"]);
            expect(parsed.error).toMatch(/^[a-z_]+$/);
            expect(parsed.message).not.toMatch(/\n\s+at /);
          }
          for (const line of result.cookies ?? []) expect(line).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=(Lax|Strict)$/);
        },
      ),
      { numRuns: 1500 },
    );
    expect(lines.join("\n")).not.toContain(accessToken);
    expect(lines.join("\n")).not.toContain(session.id);
  });

  it("answers 404 not_found, not a 500, to an event without a path (a malformed event, not one a function URL sends)", async () => {
    // Prepare
    const { handler } = await setup();
    const event = {
      version: "2.0",
      routeKey: "$default",
      rawPath: "",
      rawQueryString: "",
      headers: { "x-csrf": "1", origin },
      requestContext: { http: { method: "GET", path: "" }, requestId: "fuzz" },
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    // Act
    const result = await handler(event);
    // Assess
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body ?? "")).toEqual({ error: "not_found", message: "No such route" });
  });

  it("changes no session for a request that does not carry the live session cookie", async () => {
    const { handler, store } = await setup();
    const snapshot = () => JSON.stringify([...store.records.entries()]);
    const before = snapshot();
    const forged = fc.oneof(fc.string({ unit: "binary" }), fc.stringMatching(/^[A-Za-z0-9_-]{22,128}$/));
    await fc.assert(
      fc.asyncProperty(method, path, fc.dictionary(headerName, headerValue, { maxKeys: 6 }), forged, async (m, rawPath, headers, id) => {
        // Prepare
        const event = {
          version: "2.0",
          routeKey: "$default",
          rawPath,
          rawQueryString: "",
          headers: { "x-csrf": "1", origin, ...headers },
          cookies: [`__Host-session=${id}`],
          requestContext: { http: { method: m, path: rawPath }, requestId: "fuzz" },
          isBase64Encoded: false,
        } as unknown as APIGatewayProxyEventV2;
        // Act
        await handler(event);
        // Assess
        expect(snapshot()).toBe(before);
      }),
      { numRuns: 1000 },
    );
  });
});
