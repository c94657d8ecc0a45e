import { createLogger } from "@spa-bff/core";
import { describe, expect, it, vi } from "vitest";
import { loadBffConfig } from "../config.ts";
import { functionUrlEvent, handlerEnv, memorySessionLayer, testNow, testSignIn } from "../testing/fixtures.ts";
import { createBffHandler } from "./bff-handler.ts";

const config = loadBffConfig({ ...handlerEnv, MAX_BODY_BYTES: "64" });
const now = testNow;
const event = functionUrlEvent;

async function setup(upstream: typeof fetch = vi.fn(async () => new Response("{}", { headers: { "content-type": "application/json" } }))) {
  const { store, sealer, sessions } = memorySessionLayer(config.session);
  const logger = createLogger("bff-unit");
  const logged: string[] = [];
  for (const level of ["info", "warn", "error"] as const)
    vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => void logged.push(JSON.stringify(args)));
  // No network in unit tests: the IdP is unreachable.
  const oidcFetch = vi.fn(async () => {
    throw new TypeError("fetch failed");
  }) as unknown as typeof fetch;
  const handler = createBffHandler(config, {
    sessionStore: store,
    sealer,
    upstreamFetch: upstream,
    idpFetch: oidcFetch,
    logger,
    clock: () => now,
  });
  const session = await sessions.create(
    {
      ...testSignIn,
      user: { sub: "user-1", name: "Ann", email: "ann@example.com", username: "ann" },
      tokens: { accessToken: "access-token-value-1", accessTokenExpiresAt: now + 3600, refreshToken: "refresh-token-value-1" },
    },
    now,
  );
  return { handler, store, sessions, session, logged, upstream };
}

describe("createBffHandler", () => {
  it("answers /auth/session with sub, name, email and how the user signed in only", async () => {
    // Prepare
    const { handler, session } = await setup();
    // Act
    const response = await handler(event("GET", "/auth/session", { cookie: session.id }));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? "")).toEqual({
      authenticated: true,
      user: { sub: "user-1", name: "Ann", email: "ann@example.com" },
      expiresAt: new Date((now + 1800) * 1000).toISOString(),
      signInMethod: "password",
    });
    expect(response.headers).toMatchObject({ "cache-control": "no-store", "x-content-type-options": "nosniff", "x-frame-options": "DENY" });
  });

  it("proxies method, path, raw query and a binary body, with the bearer token and the request id", async () => {
    // Prepare
    const upstream = vi.fn(
      async (_url: URL | string, _init?: RequestInit) =>
        new Response("{}", { headers: { "content-type": "application/json", "set-cookie": "a=1" } }),
    );
    const { handler, session } = await setup(upstream as unknown as typeof fetch);
    const bytes = Buffer.from([0, 255, 1, 254]);
    // Act
    const response = await handler(
      event("PUT", "/api/items/7", {
        cookie: session.id,
        query: "a=1&b=x%20y",
        body: bytes.toString("base64"),
        base64: true,
        headers: { "content-type": "application/octet-stream", "x-forwarded-for": "1.2.3.4", host: "evil.example" },
      }),
    );
    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.cookies ?? []).toEqual([]);
    const [url, init] = upstream.mock.calls[0] ?? [];
    expect(String(url)).toBe("https://api.example/prod/items/7?a=1&b=x%20y");
    expect(init?.method).toBe("PUT");
    expect(Buffer.from(init?.body as Buffer).equals(bytes)).toBe(true);
    expect(init?.headers).toEqual({
      "content-type": "application/octet-stream",
      authorization: "Bearer access-token-value-1",
      "x-request-id": "req-42",
    });
  });

  it("refuses an encoded traversal that reaches the handler: 400 invalid_path", async () => {
    // Prepare
    const { handler, session, upstream } = await setup();
    // Act
    const response = await handler(event("GET", "/api/%2e%2e/admin", { cookie: session.id }));
    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? "")).toEqual({ error: "invalid_path", message: "The API path is not allowed" });
    expect(upstream).not.toHaveBeenCalled();
  });

  it("refuses a body over MAX_BODY_BYTES before reading the session", async () => {
    // Prepare
    const { handler, store } = await setup();
    store.down = true;
    // Act
    const response = await handler(event("POST", "/api/items", { cookie: "x".repeat(43), body: "y".repeat(65) }));
    // Assess
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(response.body ?? "")).toEqual({ error: "payload_too_large", message: "The request body exceeds 64 bytes" });
  });

  it("keeps the cookie on a store outage: 503 session_store_unavailable", async () => {
    // Prepare
    const { handler, store, session } = await setup();
    store.down = true;
    // Act
    const response = await handler(event("GET", "/api/items", { cookie: session.id }));
    // Assess
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body ?? "")).toEqual({
      error: "session_store_unavailable",
      message: "The session store is unavailable, try again shortly",
    });
    expect(response.cookies ?? []).toEqual([]);
  });

  it("turns an unexpected error into 500 internal_error with a fixed message and logs only its class", async () => {
    // Prepare
    const { handler, store, session, logged } = await setup();
    vi.spyOn(store, "get").mockRejectedValue(new RangeError("boom access-token-value-1"));
    // Act
    const response = await handler(event("GET", "/auth/session", { cookie: session.id }));
    // Assess
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? "")).toEqual({ error: "internal_error", message: "Internal error" });
    expect(logged.join("\n")).toContain("RangeError");
    expect(logged.join("\n")).not.toContain("access-token-value-1");
    expect(response.body).not.toContain("boom");
  });

  it("answers an unknown route with 404 not_found", async () => {
    const { handler } = await setup();
    const response = await handler(event("GET", "/auth/unknown"));
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body ?? "")).toEqual({ error: "not_found", message: "No such route" });
  });

  it("checks X-CSRF before reading the session", async () => {
    // Prepare
    const { handler, store, session } = await setup();
    const get = vi.spyOn(store, "get");
    // Act
    const response = await handler(event("GET", "/auth/session", { cookie: session.id, headers: { "x-csrf": "" } }));
    // Assess
    expect(response.statusCode).toBe(403);
    expect(get).not.toHaveBeenCalled();
  });

  it("logs a session out without the IdP when discovery fails, and clears the cookie", async () => {
    // Prepare
    const { handler, store, session } = await setup();
    // Act
    const response = await handler(event("POST", "/auth/logout", { cookie: session.id }));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? "")).toEqual({ logoutUrl: "https://app.example/" });
    expect(response.cookies).toContain("__Host-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax");
    expect(store.records.size).toBe(0);
  });
});
