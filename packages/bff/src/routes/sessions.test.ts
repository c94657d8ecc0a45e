import { createLogger } from "@spa-bff/core";
import { describe, expect, it, vi } from "vitest";
import { createBffHandler } from "../app/bff-handler.ts";
import { loadBffConfig } from "../config.ts";
import type { NewSession, SessionUser } from "../session/types.ts";
import { functionUrlEvent, handlerEnv, memorySessionLayer, testNow } from "../testing/fixtures.ts";

const config = loadBffConfig(handlerEnv);
const alice: SessionUser = { sub: "sub-alice", name: "Alice" };
const bob: SessionUser = { sub: "sub-bob", name: "Bob" };

function login(user: SessionUser, label: string, device = "Firefox on Linux"): NewSession {
  return {
    user,
    tokens: { accessToken: `access-${label}`, accessTokenExpiresAt: testNow + 900, refreshToken: `refresh-${label}` },
    signInMethod: "password_and_code",
    device,
  };
}

/** A BFF over an in-memory store whose IdP records each revocation (RFC 7009 form posts) and serves discovery. */
function setup() {
  const { store, sealer, sessions } = memorySessionLayer(config.session);
  const revoked: string[] = [];
  const idpFetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.endsWith("/.well-known/openid-configuration")) {
      const issuer = config.oidc.issuer;
      return Response.json({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        revocation_endpoint: `${issuer}/revoke`,
        jwks_uri: `${issuer}/jwks`,
      });
    }
    if (url.endsWith("/revoke")) {
      const body = init?.body instanceof URLSearchParams ? init.body : new URLSearchParams(String(init?.body ?? ""));
      revoked.push(body.get("token") ?? "");
      return new Response(null, { status: 200 });
    }
    return new Response("not found", { status: 404 });
  }) as unknown as typeof fetch;
  const handler = createBffHandler(config, {
    sessionStore: store,
    sealer,
    logger: createLogger("sessions-test"),
    clock: () => testNow,
    idpFetch,
  });
  return { store, sessions, handler, revoked };
}

const body = (response: { body?: string }) => JSON.parse(response.body ?? "") as Record<string, unknown>;

describe("GET /auth/sessions", () => {
  it("lists the user's sessions with opaque handles, the current one first, and none of another user's", async () => {
    // Prepare
    const { sessions, handler } = setup();
    const older = await sessions.create(login(alice, "a", "Safari on iPhone"), testNow - 100);
    const current = await sessions.create(login(alice, "b"), testNow - 50);
    await sessions.create(login(bob, "c"), testNow);
    // Act
    const response = await handler(functionUrlEvent("GET", "/auth/sessions", { cookie: current.id }));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual({
      sessions: [
        {
          handle: current.handle,
          createdAt: new Date((testNow - 50) * 1000).toISOString(),
          lastActiveAt: new Date((testNow - 50) * 1000).toISOString(),
          device: "Firefox on Linux",
          signInMethod: "password_and_code",
          current: true,
        },
        expect.objectContaining({ handle: older.handle, device: "Safari on iPhone", current: false }),
      ],
    });
    expect(response.body).not.toContain(current.id);
    expect(response.body).not.toContain(current.key.sk);
  });

  it("needs X-CSRF and a session", async () => {
    // Prepare
    const { sessions, handler } = setup();
    const session = await sessions.create(login(alice, "a"), testNow);
    // Act
    const withoutCsrf = await handler(functionUrlEvent("GET", "/auth/sessions", { cookie: session.id, headers: { "x-csrf": "" } }));
    const withoutSession = await handler(functionUrlEvent("GET", "/auth/sessions"));
    // Assess
    expect(withoutCsrf.statusCode).toBe(403);
    expect(withoutSession.statusCode).toBe(401);
  });
});

describe("DELETE /auth/sessions/{handle}", () => {
  it("ends another session of the user and revokes its refresh token; the caller's session lives on", async () => {
    // Prepare
    const { sessions, handler, revoked } = setup();
    const current = await sessions.create(login(alice, "a"), testNow);
    const other = await sessions.create(login(alice, "b"), testNow);
    // Act
    const response = await handler(functionUrlEvent("DELETE", `/auth/sessions/${other.handle}`, { cookie: current.id }));
    // Assess
    expect(response.statusCode).toBe(204);
    expect(response.cookies ?? []).toEqual([]);
    expect(revoked).toEqual(["refresh-b"]);
    expect(await sessions.get(other.id, testNow)).toBeUndefined();
    expect(await sessions.get(current.id, testNow)).toBeDefined();
  });

  it("answers 404 for another user's handle and changes nothing", async () => {
    // Prepare
    const { sessions, handler, revoked } = setup();
    const current = await sessions.create(login(alice, "a"), testNow);
    const bobs = await sessions.create(login(bob, "b"), testNow);
    // Act
    const response = await handler(functionUrlEvent("DELETE", `/auth/sessions/${bobs.handle}`, { cookie: current.id }));
    const malformed = await handler(functionUrlEvent("DELETE", "/auth/sessions/..%2f..%2fsecret", { cookie: current.id }));
    // Assess
    expect(response.statusCode).toBe(404);
    expect(body(response)).toMatchObject({ error: "not_found" });
    expect(malformed.statusCode).toBe(404);
    expect(revoked).toEqual([]);
    expect(await sessions.get(bobs.id, testNow)).toBeDefined();
  });

  it("ends the caller's own session when given its handle, and clears the cookie", async () => {
    // Prepare
    const { sessions, handler } = setup();
    const current = await sessions.create(login(alice, "a"), testNow);
    // Act
    const response = await handler(functionUrlEvent("DELETE", `/auth/sessions/${current.handle}`, { cookie: current.id }));
    // Assess
    expect(response.statusCode).toBe(204);
    expect(response.cookies).toContain("__Host-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax");
    expect(await sessions.get(current.id, testNow)).toBeUndefined();
  });
});

describe("POST /auth/logout with {everywhere: true}", () => {
  it("ends every session of the user, revokes every refresh token, and leaves other users alone", async () => {
    // Prepare
    const { sessions, handler, revoked } = setup();
    const current = await sessions.create(login(alice, "a"), testNow);
    const other = await sessions.create(login(alice, "b"), testNow);
    const bobs = await sessions.create(login(bob, "c"), testNow);
    // Act
    const response = await handler(
      functionUrlEvent("POST", "/auth/logout", {
        cookie: current.id,
        body: { everywhere: true },
        headers: { "content-type": "application/json" },
      }),
    );
    // Assess
    expect(response.statusCode).toBe(200);
    expect(body(response)).toHaveProperty("logoutUrl");
    expect(response.cookies).toContain("__Host-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax");
    expect(revoked.sort()).toEqual(["refresh-a", "refresh-b"]);
    expect(await sessions.get(current.id, testNow)).toBeUndefined();
    expect(await sessions.get(other.id, testNow)).toBeUndefined();
    expect(await sessions.get(bobs.id, testNow)).toBeDefined();
  });

  it("ends only this session without a body or with {everywhere: false}", async () => {
    // Prepare
    const { sessions, handler } = setup();
    const first = await sessions.create(login(alice, "a"), testNow);
    const second = await sessions.create(login(alice, "b"), testNow);
    // Act
    await handler(functionUrlEvent("POST", "/auth/logout", { cookie: first.id, body: { everywhere: false } }));
    // Assess
    expect(await sessions.get(first.id, testNow)).toBeUndefined();
    expect(await sessions.get(second.id, testNow)).toBeDefined();
  });

  it.each([
    ["a body that is not JSON", "everywhere"],
    ["an unknown member", { everywhere: true, also: 1 }],
    ["a string for everywhere", { everywhere: "yes" }],
  ])("refuses %s with 400 and ends nothing", async (_case, payload) => {
    // Prepare
    const { sessions, handler } = setup();
    const session = await sessions.create(login(alice, "a"), testNow);
    // Act
    const response = await handler(functionUrlEvent("POST", "/auth/logout", { cookie: session.id, body: payload }));
    // Assess
    expect(response.statusCode).toBe(400);
    expect(await sessions.get(session.id, testNow)).toBeDefined();
  });
});
