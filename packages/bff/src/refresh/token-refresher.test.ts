import { IdpError, UnauthenticatedError } from "@spa-bff/core";
import { describe, expect, it, vi } from "vitest";
import type { OidcClient } from "../auth/oidc-client.ts";
import { OidcRejectedError } from "../auth/oidc-errors.ts";
import { hashSessionId } from "../session/session-id.ts";
import type { Session, TokenSet } from "../session/types.ts";
import { memorySessionLayer } from "../testing/fixtures.ts";
import { createTokenRefresher, needsRefresh } from "./token-refresher.ts";

const now = 1_800_000_000;
const audit = vi.fn();

/** The session rules over one in-memory store, shared by every "instance" of a test. */
type MemorySessions = ReturnType<typeof memorySessionLayer>["sessions"] & { stored(id: string): boolean };

function createMemorySessions(): MemorySessions {
  const { sessions, store } = memorySessionLayer();
  return Object.assign(sessions, { stored: (id: string) => store.records.has(hashSessionId(id)) });
}

function fakeOidc(refresh: (tokens: TokenSet) => Promise<TokenSet>): OidcClient & { refresh: ReturnType<typeof vi.fn> } {
  const unused = () => Promise.reject(new Error("not used"));
  return {
    startLogin: unused,
    redeemCode: unused,
    revoke: unused,
    endSessionUrl: unused,
    refresh: vi.fn((tokens: TokenSet) => refresh(tokens)),
  };
}

function instance(sessions: MemorySessions, oidc: OidcClient) {
  return createTokenRefresher({ sessions, idp: oidc, audit, skewSeconds: 60 });
}

async function expiringSession(sessions: MemorySessions): Promise<Session> {
  return sessions.create(
    { user: { sub: "u1" }, tokens: { accessToken: "old-at", accessTokenExpiresAt: now + 30, refreshToken: "old-rt" } },
    now,
  );
}

const fresh = (name: string): TokenSet => ({ accessToken: `${name}-at`, accessTokenExpiresAt: now + 3600, refreshToken: `${name}-rt` });

describe("needsRefresh", () => {
  it("is true within the skew and false before it", () => {
    const session = { tokens: { accessTokenExpiresAt: now + 60 } } as Session;
    expect(needsRefresh(session, now, 60)).toBe(true);
    expect(needsRefresh(session, now - 1, 60)).toBe(false);
  });
});

describe("createTokenRefresher", () => {
  it("returns a fresh session without calling the IdP", async () => {
    // Prepare
    const sessions = createMemorySessions();
    const session = await sessions.create({ user: { sub: "u1" }, tokens: fresh("a") }, now);
    const oidc = fakeOidc(async () => fresh("x"));
    // Act
    const result = await instance(sessions, oidc)(session, now, "r");
    // Assess
    expect(result).toBe(session);
    expect(oidc.refresh).not.toHaveBeenCalled();
  });

  it("shares one refresh between concurrent requests of one session", async () => {
    // Prepare
    const sessions = createMemorySessions();
    const session = await expiringSession(sessions);
    const oidc = fakeOidc(async () => fresh("new"));
    const refresher = instance(sessions, oidc);
    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => refresher(session, now, "r")));
    // Assess
    expect(oidc.refresh).toHaveBeenCalledTimes(1);
    expect(new Set(results.map((result) => result.tokens.accessToken))).toEqual(new Set(["new-at"]));
  });

  it("uses another instance's tokens instead of refreshing again when the store already has them", async () => {
    // Prepare
    const sessions = createMemorySessions();
    const stale = await expiringSession(sessions);
    await instance(
      sessions,
      fakeOidc(async () => fresh("a")),
    )(stale, now, "r");
    const oidcB = fakeOidc(async () => fresh("b"));
    // Act
    const result = await instance(sessions, oidcB)(stale, now, "r");
    // Assess
    expect(oidcB.refresh).not.toHaveBeenCalled();
    expect(result.tokens.accessToken).toBe("a-at");
  });

  it("re-reads and uses the winner's tokens when its conditional write loses", async () => {
    // Prepare: instance A refreshes while B's refresh grant is in flight
    const sessions = createMemorySessions();
    const stale = await expiringSession(sessions);
    const refresherA = instance(
      sessions,
      fakeOidc(async () => fresh("a")),
    );
    const oidcB = fakeOidc(async () => {
      await refresherA(stale, now, "ra");
      return fresh("b");
    });
    // Act
    const result = await instance(sessions, oidcB)(stale, now, "rb");
    // Assess
    expect(result.tokens.accessToken).toBe("a-at");
    expect((await sessions.get(stale.id, now))?.tokens.accessToken).toBe("a-at");
  });

  it("keeps the session when a rejected refresh lost a rotation race to another instance", async () => {
    // Prepare
    const sessions = createMemorySessions();
    const stale = await expiringSession(sessions);
    const refresherA = instance(
      sessions,
      fakeOidc(async () => fresh("a")),
    );
    const oidcB = fakeOidc(async () => {
      await refresherA(stale, now, "ra");
      throw new OidcRejectedError("invalid_grant");
    });
    // Act
    const result = await instance(sessions, oidcB)(stale, now, "rb");
    // Assess
    expect(result.tokens.accessToken).toBe("a-at");
    expect(sessions.stored(stale.id)).toBe(true);
  });

  it("ends the session when the IdP rejects the refresh: session_expired", async () => {
    // Prepare
    const sessions = createMemorySessions();
    const session = await expiringSession(sessions);
    const oidc = fakeOidc(async () => {
      throw new OidcRejectedError("invalid_grant");
    });
    // Act
    const error = await instance(sessions, oidc)(session, now, "r").catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error).toMatchObject({ code: "session_expired", status: 401, message: "The session has expired, log in again" });
    expect(sessions.stored(session.id)).toBe(false);
  });

  it("keeps the session when the IdP is unreachable: idp_unavailable", async () => {
    // Prepare
    const sessions = createMemorySessions();
    const session = await expiringSession(sessions);
    const oidc = fakeOidc(async () => {
      throw new IdpError();
    });
    // Act
    const error = await instance(sessions, oidc)(session, now, "r").catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(IdpError);
    expect(error).toMatchObject({ code: "idp_unavailable", status: 502 });
    expect(sessions.stored(session.id)).toBe(true);
  });

  it("ends the request with session_expired when the session was deleted meanwhile (logout)", async () => {
    // Prepare
    const sessions = createMemorySessions();
    const session = await expiringSession(sessions);
    await sessions.delete(session.id);
    // Act
    const error = await instance(
      sessions,
      fakeOidc(async () => fresh("x")),
    )(session, now, "r").catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ code: "session_expired" });
  });
});
