import { randomBytes } from "node:crypto";
import { SessionStoreError } from "@spa-bff/core";
import { describe, expect, it, vi } from "vitest";
import { testHash } from "../testing/fixtures.ts";
import { createMemorySessionStore } from "../testing/memory-session-store.ts";
import { createLocalKeyProvider } from "./local-key-provider.ts";
import { createSealer } from "./sealer.ts";
import { createSessions } from "./sessions.ts";
import type { NewSession, Sealer, SessionUser } from "./types.ts";
import { createUserSessions } from "./user-sessions.ts";

const t0 = 1_700_000_000;
const policy = { idleSeconds: 1800, absoluteSeconds: 28_800, touchIntervalSeconds: 300 };
const alice: SessionUser = { sub: "sub-alice" };
const bob: SessionUser = { sub: "sub-bob" };

function login(user: SessionUser, label: string, extra: Partial<NewSession> = {}): NewSession {
  return {
    user,
    tokens: { accessToken: `access-${label}`, accessTokenExpiresAt: t0 + 900, refreshToken: `refresh-${label}` },
    signInMethod: "password",
    device: `Device ${label}`,
    ...extra,
  };
}

/** The sessions and the user's sessions over one in-memory store, with a revocation that records each token. */
function setup(options: { revoke?: (token: string) => Promise<void>; sealer?: Sealer } = {}) {
  const store = createMemorySessionStore();
  const sealer = options.sealer ?? createSealer(createLocalKeyProvider({ key: randomBytes(32) }));
  const revoked: string[] = [];
  const revoke = vi.fn(options.revoke ?? (async (token: string) => void revoked.push(token)));
  const sessions = createSessions({ store, sealer, policy, hash: testHash });
  const userSessions = createUserSessions({ store, revocation: { sealer, revoke } });
  return { store, sessions, userSessions, revoked, revoke };
}

describe("createUserSessions", () => {
  it("lists a user's live sessions, oldest first, and none of another user's or expired ones", async () => {
    // Prepare
    const { sessions, userSessions } = setup();
    const first = await sessions.create(login(alice, "a"), t0);
    const second = await sessions.create(login(alice, "b"), t0 + 10);
    await sessions.create(login(bob, "c"), t0);
    const stale = await sessions.create(login(alice, "old"), t0 - policy.idleSeconds);
    // Act
    const listed = await userSessions.list(first.key.pk, t0 + 20);
    // Assess
    expect(listed.map((entry) => entry.handle)).toEqual([first.handle, second.handle]);
    expect(listed[0]).toEqual({
      key: first.key,
      handle: first.handle,
      createdAt: t0,
      touchedAt: t0,
      device: "Device a",
      signInMethod: "password",
    });
    expect(listed.map((entry) => entry.handle)).not.toContain(stale.handle);
  });

  it("ends every session of the user and revokes each refresh token, leaving other users alone", async () => {
    // Prepare
    const { sessions, userSessions, revoked } = setup();
    const a = await sessions.create(login(alice, "a"), t0);
    const b = await sessions.create(login(alice, "b"), t0);
    const other = await sessions.create(login(bob, "c"), t0);
    // Act
    const ended = await userSessions.endAll(a.key.pk);
    // Assess
    expect(ended).toBe(2);
    expect(revoked.sort()).toEqual(["refresh-a", "refresh-b"]);
    expect(await sessions.get(a.id, t0 + 1)).toBeUndefined();
    expect(await sessions.get(b.id, t0 + 1)).toBeUndefined();
    expect(await sessions.get(other.id, t0 + 1)).toBeDefined();
  });

  it("revokes the newer refresh token when a refresh on another instance rewrote the session first", async () => {
    // Prepare
    const { sessions, userSessions, store, revoked } = setup();
    const a = await sessions.create(login(alice, "a"), t0);
    const remove = store.remove.bind(store);
    let raced = false;
    // The refresh lands between the read of the tokens and the delete.
    vi.spyOn(store, "remove").mockImplementation(async (key, version) => {
      if (!raced) {
        raced = true;
        await sessions.updateTokens(
          a,
          { accessToken: "access-rotated", accessTokenExpiresAt: t0 + 900, refreshToken: "refresh-rotated" },
          t0,
        );
      }
      return remove(key, version);
    });
    // Act
    const ended = await userSessions.endAll(a.key.pk);
    // Assess
    expect(ended).toBe(1);
    expect(revoked).toEqual(["refresh-rotated"]);
    expect(await sessions.get(a.id, t0 + 1)).toBeUndefined();
  });

  it("ends one session by its handle within the user's partition only", async () => {
    // Prepare
    const { sessions, userSessions, revoked } = setup();
    const a = await sessions.create(login(alice, "a"), t0);
    const b = await sessions.create(login(alice, "b"), t0);
    const other = await sessions.create(login(bob, "c"), t0);
    // Act
    const othersHandle = await userSessions.endByHandle(a.key.pk, other.handle);
    const unknown = await userSessions.endByHandle(a.key.pk, "A".repeat(22));
    const own = await userSessions.endByHandle(a.key.pk, b.handle);
    // Assess
    expect(othersHandle).toBe(false);
    expect(unknown).toBe(false);
    expect(own).toBe(true);
    expect(revoked).toEqual(["refresh-b"]);
    expect(await sessions.get(b.id, t0 + 1)).toBeUndefined();
    expect(await sessions.get(a.id, t0 + 1)).toBeDefined();
    expect(await sessions.get(other.id, t0 + 1)).toBeDefined();
    expect(await sessions.endedElsewhere(b.id, t0 + 1)).toBe(true);
    expect(await sessions.endedElsewhere(a.id, t0 + 1)).toBe(false);
  });

  it("marks a session ended from elsewhere until its absolute lifetime, and not one deleted by its own logout", async () => {
    // Prepare
    const { sessions, userSessions } = setup();
    const ended = await sessions.create(login(alice, "a"), t0);
    const loggedOut = await sessions.create(login(alice, "b"), t0);
    await sessions.delete(loggedOut.id);
    // Act
    await userSessions.endAll(ended.key.pk);
    // Assess
    expect(await sessions.endedElsewhere(ended.id, t0 + 1)).toBe(true);
    expect(await sessions.endedElsewhere(ended.id, ended.absoluteExpiresAt)).toBe(false);
    expect(await sessions.endedElsewhere(loggedOut.id, t0 + 1)).toBe(false);
    expect(await sessions.endedElsewhere("not-a-session-id", t0 + 1)).toBe(false);
  });

  it("ends the sessions of one IdP session and removes its links", async () => {
    // Prepare
    const { sessions, userSessions, store, revoked } = setup();
    const a = await sessions.create(login(alice, "a", { idpSessionId: "idp-1" }), t0);
    const b = await sessions.create(login(alice, "b", { idpSessionId: "idp-2" }), t0);
    // Act
    const ended = await userSessions.endIdpSession(testHash("sid", "idp-1"));
    // Assess
    expect(ended).toBe(1);
    expect(revoked).toEqual(["refresh-a"]);
    expect(await sessions.get(a.id, t0 + 1)).toBeUndefined();
    expect(await sessions.get(b.id, t0 + 1)).toBeDefined();
    expect(await store.idpSessionLinks(testHash("sid", "idp-1"))).toEqual([]);
  });

  it("only deletes the sessions without a revocation (an operator without the session key)", async () => {
    // Prepare
    const { sessions, store } = setup();
    const a = await sessions.create(login(alice, "a"), t0);
    const deleteOnly = createUserSessions({ store });
    // Act
    const ended = await deleteOnly.endAll(a.key.pk);
    // Assess
    expect(ended).toBe(1);
    expect(await sessions.get(a.id, t0 + 1)).toBeUndefined();
  });

  it("still ends the session when the IdP refuses or cannot take the revocation", async () => {
    // Prepare
    const { sessions, userSessions } = setup({ revoke: async () => Promise.reject(new Error("IdP down")) });
    const a = await sessions.create(login(alice, "a"), t0);
    // Act
    const ended = await userSessions.endAll(a.key.pk);
    // Assess
    expect(ended).toBe(1);
    expect(await sessions.get(a.id, t0 + 1)).toBeUndefined();
  });

  it("ends nothing and answers 503 when the key provider cannot open the tokens", async () => {
    // Prepare
    const working = createSealer(createLocalKeyProvider({ key: randomBytes(32) }));
    let down = false;
    const sealer: Sealer = {
      seal: (plaintext, aad) => working.seal(plaintext, aad),
      open: (envelope, aad) => (down ? Promise.reject(new SessionStoreError()) : working.open(envelope, aad)),
    };
    const { sessions, userSessions, revoke } = setup({ sealer });
    const a = await sessions.create(login(alice, "a"), t0);
    down = true;
    // Act
    const error = await userSessions.endAll(a.key.pk).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(revoke).not.toHaveBeenCalled();
    down = false;
    expect(await sessions.get(a.id, t0 + 1)).toBeDefined();
  });
});
