import { IdpError, SessionStoreError, UnauthenticatedError } from "@spa-bff/core";
import { describe, expect, it, vi } from "vitest";
import type { IdpTokens } from "../auth/idp-tokens.ts";
import { OidcRejectedError } from "../auth/oidc-errors.ts";
import { sessionKeyOf } from "../session/session-id.ts";
import type { Session, TokenSet } from "../session/types.ts";
import { memorySessionLayer, testSignIn } from "../testing/fixtures.ts";
import { createTokenRefresher, needsRefresh } from "./token-refresher.ts";

const now = 1_800_000_000;
const audit = vi.fn();

/** The session rules over one in-memory store, shared by every "instance" of a test. */
type MemorySessions = ReturnType<typeof memorySessionLayer>["sessions"] & { stored(id: string): boolean };

function createMemorySessions(): MemorySessions {
  const { sessions, store } = memorySessionLayer();
  return Object.assign(sessions, {
    stored: (id: string) => {
      const key = sessionKeyOf(id);
      return key !== undefined && store.record(key) !== undefined;
    },
  });
}

type FakeIdp = Pick<IdpTokens, "refresh" | "revoke"> & { refresh: ReturnType<typeof vi.fn>; revoke: ReturnType<typeof vi.fn> };

function fakeIdp(refresh: (tokens: TokenSet) => Promise<TokenSet>): FakeIdp {
  return { refresh: vi.fn((tokens: TokenSet) => refresh(tokens)), revoke: vi.fn(async () => undefined) };
}

/** One BFF instance: its own refresher (and single flight) over the shared store. */
function instance(sessions: MemorySessions, idp: FakeIdp, options: { clock?: () => number; leaseSeconds?: number } = {}) {
  return createTokenRefresher({
    sessions,
    idp,
    audit,
    skewSeconds: 60,
    leaseSeconds: options.leaseSeconds ?? 10,
    clock: options.clock ?? (() => now),
    pollMs: 5,
  });
}

async function expiringSession(sessions: MemorySessions): Promise<Session> {
  return sessions.create(
    { ...testSignIn, user: { sub: "u1" }, tokens: { accessToken: "old-at", accessTokenExpiresAt: now + 30, refreshToken: "old-rt" } },
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
    const session = await sessions.create({ ...testSignIn, user: { sub: "u1" }, tokens: fresh("a") }, now);
    const idp = fakeIdp(async () => fresh("x"));
    // Act
    const result = await instance(sessions, idp)(session, now, "r");
    // Assess
    expect(result).toBe(session);
    expect(idp.refresh).not.toHaveBeenCalled();
  });

  it("shares one refresh between concurrent requests of one session on one instance", async () => {
    // Prepare
    const sessions = createMemorySessions();
    const session = await expiringSession(sessions);
    const idp = fakeIdp(async () => fresh("new"));
    const refresher = instance(sessions, idp);
    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => refresher(session, now, "r")));
    // Assess
    expect(idp.refresh).toHaveBeenCalledTimes(1);
    expect(new Set(results.map((result) => result.tokens.accessToken))).toEqual(new Set(["new-at"]));
  });

  it("refreshes once across ten instances that all see the session expiring, and every one gets the new tokens", async () => {
    // Prepare: ten instances with their own refresher, one shared IdP that counts grants
    const sessions = createMemorySessions();
    const session = await expiringSession(sessions);
    const idp = fakeIdp(async () => fresh("once"));
    const instances = Array.from({ length: 10 }, () => instance(sessions, idp));
    // Act
    const results = await Promise.all(instances.map((refresher) => refresher(session, now, "r")));
    // Assess
    expect(idp.refresh).toHaveBeenCalledTimes(1);
    expect(new Set(results.map((result) => result.tokens.accessToken))).toEqual(new Set(["once-at"]));
    expect((await sessions.get(session.id, now))?.lease).toBeUndefined();
  });

  it("uses another instance's tokens instead of refreshing again when the store already has them", async () => {
    // Prepare
    const sessions = createMemorySessions();
    const stale = await expiringSession(sessions);
    await instance(
      sessions,
      fakeIdp(async () => fresh("a")),
    )(stale, now, "r");
    const idpB = fakeIdp(async () => fresh("b"));
    // Act
    const result = await instance(sessions, idpB)(stale, now, "r");
    // Assess
    expect(idpB.refresh).not.toHaveBeenCalled();
    expect(result.tokens.accessToken).toBe("a-at");
  });

  it("waits for the instance that holds the lease and uses the tokens it writes", async () => {
    // Prepare: another instance has taken the lease and is talking to the IdP
    const sessions = createMemorySessions();
    const stale = await expiringSession(sessions);
    expect(await sessions.takeRefreshLease(stale, "instance-b", now + 10, now)).toBe(true);
    const idpA = fakeIdp(async () => fresh("a"));
    // Act: A starts waiting; then B writes its tokens
    const waiting = instance(sessions, idpA)(stale, now, "ra");
    const written = await sessions.updateTokens(stale, fresh("b"), now, "instance-b");
    const result = await waiting;
    // Assess
    expect(written.ok).toBe(true);
    expect(idpA.refresh).not.toHaveBeenCalled();
    expect(result.tokens.accessToken).toBe("b-at");
  });

  it("takes over a lease whose holder died once it has run out, and keeps the session", async () => {
    // Prepare: an instance took the lease and died without a word; its lease ran out a second ago
    const sessions = createMemorySessions();
    const stale = await expiringSession(sessions);
    await sessions.takeRefreshLease(stale, "dead-instance", now - 1, now - 11);
    const idp = fakeIdp(async () => fresh("after"));
    // Act
    const result = await instance(sessions, idp)(stale, now, "r");
    // Assess
    expect(idp.refresh).toHaveBeenCalledTimes(1);
    expect(result.tokens.accessToken).toBe("after-at");
    expect((await sessions.get(stale.id, now))?.tokens.accessToken).toBe("after-at");
  });

  it("gives up with 503 when a lease in force outlasts its own length, and keeps the session", async () => {
    // Prepare: a lease that, by this instance's clock, never runs out
    const sessions = createMemorySessions();
    const stale = await expiringSession(sessions);
    await sessions.takeRefreshLease(stale, "stuck-instance", now + 3600, now);
    const idp = fakeIdp(async () => fresh("never"));
    // Act
    const error = await instance(sessions, idp, { leaseSeconds: 0.05 })(stale, now, "r").catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(idp.refresh).not.toHaveBeenCalled();
    expect(sessions.stored(stale.id)).toBe(true);
  });

  it("ends the session when the IdP rejects the refresh: session_expired", async () => {
    // Prepare
    const sessions = createMemorySessions();
    const session = await expiringSession(sessions);
    const idp = fakeIdp(async () => {
      throw new OidcRejectedError("invalid_grant");
    });
    // Act
    const error = await instance(sessions, idp)(session, now, "r").catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error).toMatchObject({ code: "session_expired", status: 401, message: "The session has expired, log in again" });
    expect(sessions.stored(session.id)).toBe(false);
  });

  it("keeps a session another instance has just refreshed when the IdP rejects a late refresh of the old version", async () => {
    // Prepare: A's lease runs out while its grant is in flight; B takes over and writes; then the IdP refuses A
    const sessions = createMemorySessions();
    const stale = await expiringSession(sessions);
    let clockA = now;
    const idpB = fakeIdp(async () => fresh("b"));
    const idpA = fakeIdp(async () => {
      clockA = now + 20;
      await instance(sessions, idpB, { clock: () => now + 20 })(stale, now + 20, "rb");
      throw new OidcRejectedError("invalid_grant");
    });
    // Act
    const result = await instance(sessions, idpA, { clock: () => clockA })(stale, now, "ra");
    // Assess
    expect(idpB.refresh).toHaveBeenCalledTimes(1);
    expect(result.tokens.accessToken).toBe("b-at");
    expect(sessions.stored(stale.id)).toBe(true);
  });

  it("keeps the session and gives the lease back when the IdP is unreachable: idp_unavailable", async () => {
    // Prepare
    const sessions = createMemorySessions();
    const session = await expiringSession(sessions);
    const idp = fakeIdp(async () => {
      throw new IdpError();
    });
    // Act
    const error = await instance(sessions, idp)(session, now, "r").catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(IdpError);
    expect(error).toMatchObject({ code: "idp_unavailable", status: 502 });
    expect(sessions.stored(session.id)).toBe(true);
    expect((await sessions.get(session.id, now))?.lease).toBeUndefined();
  });

  it("ends the request with session_expired when the session was deleted meanwhile (logout)", async () => {
    // Prepare
    const sessions = createMemorySessions();
    const session = await expiringSession(sessions);
    await sessions.delete(session.id);
    // Act
    const error = await instance(
      sessions,
      fakeIdp(async () => fresh("x")),
    )(session, now, "r").catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ code: "session_expired" });
  });

  it("revokes the refresh token it was just given when a logout deleted the session during the refresh", async () => {
    // Prepare: the logout lands while the grant is in flight
    const sessions = createMemorySessions();
    const session = await expiringSession(sessions);
    const idp = fakeIdp(async () => {
      await sessions.delete(session.id);
      return fresh("orphan");
    });
    // Act
    const error = await instance(sessions, idp)(session, now, "r").catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ code: "session_expired" });
    expect(idp.revoke).toHaveBeenCalledWith("orphan-rt");
    expect(sessions.stored(session.id)).toBe(false);
  });

  it("keeps another writer (cached file credentials) from replacing the tokens while a refresh holds the lease", async () => {
    // Prepare
    const sessions = createMemorySessions();
    const stale = await expiringSession(sessions);
    await sessions.takeRefreshLease(stale, "refreshing", now + 10, now);
    // Act
    const other = await sessions.updateTokens(stale, { ...stale.tokens, scope: "changed" }, now);
    const holder = await sessions.updateTokens(stale, fresh("holder"), now, "refreshing");
    // Assess
    expect(other.ok).toBe(false);
    expect(holder.ok).toBe(true);
    expect((await sessions.get(stale.id, now))?.tokens.accessToken).toBe("holder-at");
  });
});
