import { randomBytes } from "node:crypto";
import { DecryptCommand, GenerateDataKeyCommand } from "@aws-sdk/client-kms";
import { SessionStoreError } from "@spa-bff/core";
import { describe, expect, it, vi } from "vitest";
import { createFakeKms } from "../testing/fake-kms.ts";
import { testHash } from "../testing/fixtures.ts";
import { createMemorySessionStore } from "../testing/memory-session-store.ts";
import { createKmsKeyProvider } from "./kms-key-provider.ts";
import { createLocalKeyProvider } from "./local-key-provider.ts";
import { createSealer } from "./sealer.ts";
import { keyString, newSessionId, type SessionKey, sessionKeyOf } from "./session-id.ts";
import { createSessions } from "./sessions.ts";
import type { NewSession, Sealer, SessionPolicy, SessionUser, TokenSet } from "./types.ts";

const t0 = 1_700_000_000;
const policy: SessionPolicy = { idleSeconds: 1800, absoluteSeconds: 28_800, touchIntervalSeconds: 300 };
const alice = { sub: "sub-alice", name: "Alice Anderson", email: "alice@example.com" };
const tokens = (label: string): TokenSet => ({
  accessToken: `access-${label}`,
  accessTokenExpiresAt: t0 + 3600,
  refreshToken: `refresh-${label}`,
  idToken: `id-${label}`,
  scope: "openid items/read",
});

const login = (user: SessionUser, tokenSet: TokenSet): NewSession => ({
  user,
  tokens: tokenSet,
  signInMethod: "password",
  device: "Firefox on Linux",
});

/** The table key of an id this service issued. */
function keyOf(id: string): SessionKey {
  const key = sessionKeyOf(id);
  if (!key) throw new Error("not a session id");
  return key;
}

/** The session rules over an in-memory store: every store call is a spy, so a test can count reads and writes. */
function setup(options: { policy?: SessionPolicy; newId?: () => string; sealer?: Sealer } = {}) {
  const store = createMemorySessionStore();
  const calls = {
    get: vi.spyOn(store, "get"),
    insert: vi.spyOn(store, "insert"),
    touch: vi.spyOn(store, "touch"),
    replaceTokens: vi.spyOn(store, "replaceTokens"),
    remove: vi.spyOn(store, "remove"),
  };
  const sessions = createSessions({
    store,
    sealer: options.sealer ?? createSealer(createLocalKeyProvider({ key: randomBytes(32) })),
    policy: options.policy ?? policy,
    hash: testHash,
    ...(options.newId ? { newId: options.newId } : {}),
  });
  const writes = () => calls.insert.mock.calls.length + calls.touch.mock.calls.length + calls.replaceTokens.mock.calls.length;
  return { store, calls, sessions, writes };
}

describe("createSessions", () => {
  it("creates a session and reads it back by its id", async () => {
    // Prepare
    const { sessions } = setup();
    // Act
    const created = await sessions.create(login(alice, tokens("a")), t0);
    const read = await sessions.get(created.id, t0 + 10);
    // Assess
    expect(created.id).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(created.id.slice(0, 22)).toBe(testHash("user", alice.sub));
    expect(created).toMatchObject({
      user: alice,
      tokens: tokens("a"),
      createdAt: t0,
      touchedAt: t0,
      idleExpiresAt: t0 + 1800,
      absoluteExpiresAt: t0 + 28_800,
      version: 1,
    });
    expect(read).toEqual(created);
  });

  it("stores the id only as its hash in the user's partition, the claims in clear and the tokens sealed", async () => {
    // Prepare
    const { sessions, store } = setup();
    // Act
    const created = await sessions.create(login(alice, tokens("secret")), t0);
    // Assess
    const record = store.record(keyOf(created.id));
    const stored = JSON.stringify(record);
    expect(record).toMatchObject({
      key: { pk: `u#${testHash("user", alice.sub)}` },
      user: alice,
      signInMethod: "password",
      device: "Firefox on Linux",
      version: 1,
    });
    expect(record?.key.sk).toMatch(/^s#[A-Za-z0-9_-]{43}$/);
    expect(record?.handle).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(stored).not.toContain(created.id.slice(23));
    expect(record?.tokens).toMatch(/^v1\./);
    expect(stored).not.toContain(created.id);
    expect(stored).not.toContain("access-secret");
    expect(stored).not.toContain("refresh-secret");
  });

  it("answers undefined for an unknown id after one read", async () => {
    // Prepare
    const { sessions, calls } = setup();
    // Act
    const session = await sessions.get(newSessionId(testHash("user", "nobody")), t0);
    // Assess
    expect(session).toBeUndefined();
    expect(calls.get).toHaveBeenCalledTimes(1);
  });

  it.each(["", "short", "has spaces in it and is long enough", "x".repeat(500), "a.b.c.d.e.f.g.h.i.j.k.l.m"])(
    "answers undefined for the malformed id %j without reading the store",
    async (id) => {
      // Prepare
      const { sessions, calls } = setup();
      // Act
      const session = await sessions.get(id, t0);
      // Assess
      expect(session).toBeUndefined();
      expect(calls.get).not.toHaveBeenCalled();
    },
  );

  it("enforces the idle timeout on read even though the record still exists, and removes it", async () => {
    // Prepare
    const { sessions, store } = setup();
    const created = await sessions.create(login(alice, tokens("a")), t0);
    const lastLiveRead = await sessions.get(created.id, t0 + 1799);
    // Act
    const expired = await sessions.get(created.id, t0 + 1800);
    // Assess
    expect(lastLiveRead?.id).toBe(created.id);
    expect(expired).toBeUndefined();
    expect(store.record(keyOf(created.id))).toBeUndefined();
  });

  it("enforces the absolute lifetime on read even when the session was kept active", async () => {
    // Prepare
    const { sessions } = setup({ policy: { idleSeconds: 1800, absoluteSeconds: 3000, touchIntervalSeconds: 300 } });
    const created = await sessions.create(login(alice, tokens("a")), t0);
    const touched = await sessions.touchIfDue(created, t0 + 1500);
    // Act
    const live = await sessions.get(created.id, t0 + 2999);
    const expired = await sessions.get(created.id, t0 + 3000);
    // Assess
    expect(touched.idleExpiresAt).toBe(t0 + 3000);
    expect(live?.id).toBe(created.id);
    expect(expired).toBeUndefined();
  });

  it("does not write when touched within the touch interval, and slides the idle deadline after it", async () => {
    // Prepare
    const { sessions, calls, writes } = setup();
    const created = await sessions.create(login(alice, tokens("a")), t0);
    const before = writes();
    // Act
    const early = await sessions.touchIfDue(created, t0 + 299);
    const writesWithinInterval = writes() - before;
    const due = await sessions.touchIfDue(created, t0 + 300);
    // Assess
    expect(early).toBe(created);
    expect(writesWithinInterval).toBe(0);
    expect(calls.touch).toHaveBeenCalledTimes(1);
    expect(calls.touch.mock.calls[0]?.[2]).toEqual({ touchedAt: t0 + 300, idleExpiresAt: t0 + 2100, ttl: t0 + 2100 });
    expect(due).toMatchObject({ touchedAt: t0 + 300, idleExpiresAt: t0 + 2100, version: 1 });
    expect(await sessions.get(created.id, t0 + 2000)).toMatchObject({ touchedAt: t0 + 300, idleExpiresAt: t0 + 2100 });
  });

  it("does not bring a deleted session back when touching it", async () => {
    // Prepare
    const { sessions, store } = setup();
    const created = await sessions.create(login(alice, tokens("a")), t0);
    await sessions.delete(created.id);
    // Act
    await sessions.touchIfDue(created, t0 + 600);
    // Assess
    expect(store.record(keyOf(created.id))).toBeUndefined();
  });

  it("replaces the tokens when the version still matches and bumps the version", async () => {
    // Prepare
    const { sessions } = setup();
    const created = await sessions.create(login(alice, tokens("a")), t0);
    // Act
    const result = await sessions.updateTokens(created, tokens("b"), t0 + 100);
    // Assess
    expect(result).toEqual({ ok: true, session: { ...created, tokens: tokens("b"), version: 2 } });
    expect(await sessions.get(created.id, t0 + 101)).toMatchObject({ tokens: tokens("b"), version: 2 });
  });

  it("lets a stale version lose and hands back the current session", async () => {
    // Prepare
    const { sessions } = setup();
    const created = await sessions.create(login(alice, tokens("a")), t0);
    await sessions.updateTokens(created, tokens("winner"), t0 + 100);
    // Act
    const result = await sessions.updateTokens(created, tokens("loser"), t0 + 101);
    // Assess
    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.current).toMatchObject({ id: created.id, tokens: tokens("winner"), version: 2 });
    expect(await sessions.get(created.id, t0 + 102)).toMatchObject({ tokens: tokens("winner") });
  });

  it("keeps a refresh winning after a concurrent touch of the same version", async () => {
    // Prepare
    const { sessions } = setup();
    const created = await sessions.create(login(alice, tokens("a")), t0);
    await sessions.touchIfDue(created, t0 + 400);
    // Act
    const result = await sessions.updateTokens(created, tokens("b"), t0 + 401);
    // Assess
    expect(result).toMatchObject({ ok: true, session: { tokens: tokens("b"), version: 2, idleExpiresAt: t0 + 2200 } });
  });

  it("reports a session deleted before the update as gone", async () => {
    // Prepare
    const { sessions, store } = setup();
    const created = await sessions.create(login(alice, tokens("a")), t0);
    await sessions.delete(created.id);
    // Act
    const result = await sessions.updateTokens(created, tokens("b"), t0 + 1);
    // Assess
    expect(result).toEqual({ ok: false, current: undefined });
    expect(store.record(keyOf(created.id))).toBeUndefined();
  });

  it("deletes a session so its id no longer reads", async () => {
    // Prepare
    const { sessions } = setup();
    const created = await sessions.create(login(alice, tokens("a")), t0);
    // Act
    await sessions.delete(created.id);
    // Assess
    expect(await sessions.get(created.id, t0 + 1)).toBeUndefined();
  });

  it("puts every session of one user in one partition, and links a session to its IdP session first", async () => {
    // Prepare
    const { sessions, store } = setup();
    const link = vi.spyOn(store, "linkIdpSession");
    const insert = vi.spyOn(store, "insert");
    // Act
    const a = await sessions.create({ ...login(alice, tokens("a")), idpSessionId: "idp-session-1" }, t0);
    const b = await sessions.create(login(alice, tokens("b")), t0);
    const other = await sessions.create(login({ sub: "sub-bob" }, tokens("c")), t0);
    // Assess
    expect(a.key.pk).toBe(b.key.pk);
    expect(other.key.pk).not.toBe(a.key.pk);
    expect((await store.listPartition(a.key.pk)).map((stored) => stored.handle).sort()).toEqual([a.handle, b.handle].sort());
    expect(await store.idpSessionLinks(testHash("sid", "idp-session-1"))).toEqual([a.key]);
    expect(store.record(a.key)?.idpSession).toBe(testHash("sid", "idp-session-1"));
    expect(store.record(b.key)?.idpSession).toBeUndefined();
    expect(link).toHaveBeenCalledTimes(1);
    expect(link.mock.invocationCallOrder[0]).toBeLessThan(insert.mock.invocationCallOrder[0] ?? 0);
  });

  it("refuses a ciphertext moved from one session's record into another's", async () => {
    // Prepare
    const { sessions, store } = setup();
    const a = await sessions.create(login(alice, tokens("a")), t0);
    const b = await sessions.create(login(alice, tokens("b")), t0);
    const aTokens = store.record(keyOf(a.id))?.tokens ?? "";
    const recordB = store.record(keyOf(b.id));
    if (recordB) store.records.set(keyString(recordB.key), { ...recordB, tokens: aTokens });
    // Act
    const readB = await sessions.get(b.id, t0 + 1);
    const readA = await sessions.get(a.id, t0 + 1);
    // Assess
    expect(aTokens).toMatch(/^v1\./);
    expect(readB).toBeUndefined();
    expect(readA?.tokens).toEqual(tokens("a"));
  });

  it("never overwrites an existing session when a new id collides", async () => {
    // Prepare
    const id = newSessionId(testHash("user", alice.sub));
    const { sessions } = setup({ newId: () => id });
    const first = await sessions.create(login(alice, tokens("first")), t0);
    // Act
    const error = await sessions.create(login({ sub: "mallory" }, tokens("second")), t0).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toMatchObject({ code: "session_store_unavailable", message: "Could not allocate a unique session id" });
    expect(await sessions.get(first.id, t0 + 1)).toMatchObject(login(alice, tokens("first")));
  });

  it("costs exactly one store read and no KMS call for a warm read", async () => {
    // Prepare
    const kms = createFakeKms();
    const sealer = createSealer(createKmsKeyProvider({ client: kms.client, keyId: kms.keyId }));
    const { sessions, calls, writes } = setup({ sealer });
    const created = await sessions.create(login(alice, tokens("a")), t0);
    await sessions.get(created.id, t0 + 1);
    calls.get.mockClear();
    const writesBefore = writes();
    kms.mock.resetHistory();
    // Act
    const session = await sessions.get(created.id, t0 + 2);
    // Assess
    expect(session?.tokens).toEqual(tokens("a"));
    expect(calls.get).toHaveBeenCalledTimes(1);
    expect(writes()).toBe(writesBefore);
    expect(kms.mock.commandCalls(GenerateDataKeyCommand).length + kms.mock.commandCalls(DecryptCommand).length).toBe(0);
  });

  it("throws SessionStoreError, not undefined, when KMS is down on a cold read", async () => {
    // Prepare
    const kms = createFakeKms();
    const warm = setup({ sealer: createSealer(createKmsKeyProvider({ client: kms.client, keyId: kms.keyId })) });
    const created = await warm.sessions.create(login(alice, tokens("a")), t0);
    // A cold instance: its own KMS key cache, the same stored record.
    const coldInstance = createSessions({
      store: warm.store,
      sealer: createSealer(createKmsKeyProvider({ client: kms.client, keyId: kms.keyId })),
      policy,
      hash: testHash,
    });
    const outage = Object.assign(new Error("KMS unavailable"), { name: "KMSInternalException" });
    kms.fail(outage);
    // Act
    const error = await coldInstance.get(created.id, t0 + 1).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toMatchObject({ code: "session_store_unavailable", status: 503 });
    expect((error as Error).cause).toBe(outage);
  });

  it("passes a store outage on as SessionStoreError from every operation, never as undefined", async () => {
    // Prepare
    const { sessions, store } = setup();
    const created = await sessions.create(login(alice, tokens("a")), t0);
    store.down = true;
    // Act
    const outcomes = await Promise.all(
      [
        sessions.get(created.id, t0 + 1),
        sessions.create(login(alice, tokens("b")), t0),
        sessions.updateTokens(created, tokens("c"), t0 + 1),
        sessions.touchIfDue(created, t0 + 600),
        sessions.delete(created.id),
      ].map((operation) =>
        (operation as Promise<unknown>).then(
          () => undefined,
          (caught: unknown) => caught,
        ),
      ),
    );
    // Assess
    for (const error of outcomes) expect(error).toBeInstanceOf(SessionStoreError);
  });
});
