import { randomBytes } from "node:crypto";
import { GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { DecryptCommand, GenerateDataKeyCommand } from "@aws-sdk/client-kms";
import { SessionStoreError } from "@spa-bff/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startDynalite, type TestDynamo } from "../testing/dynalite.ts";
import { createKmsKeyProvider } from "./kms-key-provider.ts";
import { createLocalKeyProvider } from "./local-key-provider.ts";
import { createSealer } from "./sealer.ts";
import { hashSessionId } from "./session-id.ts";
import { createSessionService } from "./session-service.ts";
import { createFakeKms } from "./testing/fake-kms.ts";
import type { SessionPolicy, TokenSet } from "./types.ts";

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

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.close();
});
beforeEach(() => {
  dynamo.commands.length = 0;
});

function service(options: { policy?: SessionPolicy; randomId?: () => string; sealer?: ReturnType<typeof createSealer> } = {}) {
  return createSessionService({
    dynamodb: dynamo.client,
    tableName: dynamo.tableName,
    sealer: options.sealer ?? createSealer(createLocalKeyProvider({ key: randomBytes(32) })),
    policy: options.policy ?? policy,
    ...(options.randomId ? { randomId: options.randomId } : {}),
  });
}

async function rawItem(id: string) {
  const { Item } = await dynamo.client.send(
    new GetItemCommand({ TableName: dynamo.tableName, Key: { pk: { S: hashSessionId(id) } }, ConsistentRead: true }),
  );
  return Item;
}

describe("createSessionService", () => {
  it("creates a session and reads it back by its id", async () => {
    // Prepare
    const sessions = service();
    // Act
    const created = await sessions.create({ user: alice, tokens: tokens("a") }, t0);
    const read = await sessions.get(created.id, t0 + 10);
    // Assess
    expect(created.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
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

  it("stores the id only as its hash, the claims in clear and the tokens sealed", async () => {
    // Prepare
    const sessions = service();
    // Act
    const created = await sessions.create({ user: alice, tokens: tokens("secret") }, t0);
    // Assess
    const item = await rawItem(created.id);
    const stored = JSON.stringify(item);
    expect(item?.pk?.S).toBe(hashSessionId(created.id));
    expect(item?.sub?.S).toBe("sub-alice");
    expect(item?.ttl?.N).toBe(String(t0 + 1800));
    expect(item?.version?.N).toBe("1");
    expect(item?.user?.M?.email?.S).toBe("alice@example.com");
    expect(item?.tokens?.S).toMatch(/^v1\./);
    expect(stored).not.toContain(created.id);
    expect(stored).not.toContain("access-secret");
    expect(stored).not.toContain("refresh-secret");
  });

  it("answers undefined for an unknown id", async () => {
    // Prepare
    const sessions = service();
    // Act
    const session = await sessions.get(randomBytes(32).toString("base64url"), t0);
    // Assess
    expect(session).toBeUndefined();
    expect(dynamo.commands).toEqual(["GetItemCommand"]);
  });

  it.each(["", "short", "has spaces in it and is long enough", "x".repeat(500), "a.b.c.d.e.f.g.h.i.j.k.l.m"])(
    "answers undefined for the malformed id %j without reading the table",
    async (id) => {
      // Prepare
      const sessions = service();
      // Act
      const session = await sessions.get(id, t0);
      // Assess
      expect(session).toBeUndefined();
      expect(dynamo.commands).toEqual([]);
    },
  );

  it("enforces the idle timeout on read even though the item still exists", async () => {
    // Prepare
    const sessions = service();
    const created = await sessions.create({ user: alice, tokens: tokens("a") }, t0);
    const lastLiveRead = await sessions.get(created.id, t0 + 1799);
    // Act
    const expired = await sessions.get(created.id, t0 + 1800);
    // Assess
    expect(lastLiveRead?.id).toBe(created.id);
    expect(expired).toBeUndefined();
    expect(await rawItem(created.id)).toBeUndefined();
  });

  it("enforces the absolute lifetime on read even when the session was kept active", async () => {
    // Prepare
    const sessions = service({ policy: { idleSeconds: 1800, absoluteSeconds: 3000, touchIntervalSeconds: 300 } });
    const created = await sessions.create({ user: alice, tokens: tokens("a") }, t0);
    const touched = await sessions.touchIfDue(created, t0 + 1500);
    const itemBefore = await rawItem(created.id);
    // Act
    const live = await sessions.get(created.id, t0 + 2999);
    const expired = await sessions.get(created.id, t0 + 3000);
    // Assess
    expect(touched.idleExpiresAt).toBe(t0 + 3000);
    expect(itemBefore?.ttl?.N).toBe(String(t0 + 3000));
    expect(live?.id).toBe(created.id);
    expect(expired).toBeUndefined();
  });

  it("does not write when touched within the touch interval, and slides the idle deadline after it", async () => {
    // Prepare
    const sessions = service();
    const created = await sessions.create({ user: alice, tokens: tokens("a") }, t0);
    dynamo.commands.length = 0;
    // Act
    const early = await sessions.touchIfDue(created, t0 + 299);
    const writesWithinInterval = dynamo.commands.length;
    const due = await sessions.touchIfDue(created, t0 + 300);
    // Assess
    expect(early).toBe(created);
    expect(writesWithinInterval).toBe(0);
    expect(dynamo.commands).toEqual(["UpdateItemCommand"]);
    expect(due).toMatchObject({ touchedAt: t0 + 300, idleExpiresAt: t0 + 2100, version: 1 });
    expect(await sessions.get(created.id, t0 + 2000)).toMatchObject({ touchedAt: t0 + 300, idleExpiresAt: t0 + 2100 });
    expect((await rawItem(created.id))?.ttl?.N).toBe(String(t0 + 2100));
  });

  it("does not bring a deleted session back when touching it", async () => {
    // Prepare
    const sessions = service();
    const created = await sessions.create({ user: alice, tokens: tokens("a") }, t0);
    await sessions.delete(created.id);
    // Act
    await sessions.touchIfDue(created, t0 + 600);
    // Assess
    expect(await rawItem(created.id)).toBeUndefined();
  });

  it("replaces the tokens when the version still matches and bumps the version", async () => {
    // Prepare
    const sessions = service();
    const created = await sessions.create({ user: alice, tokens: tokens("a") }, t0);
    // Act
    const result = await sessions.updateTokens(created, tokens("b"), t0 + 100);
    // Assess
    expect(result).toEqual({ ok: true, session: { ...created, tokens: tokens("b"), version: 2 } });
    expect(await sessions.get(created.id, t0 + 101)).toMatchObject({ tokens: tokens("b"), version: 2 });
  });

  it("lets a stale version lose and hands back the current session", async () => {
    // Prepare
    const sessions = service();
    const created = await sessions.create({ user: alice, tokens: tokens("a") }, t0);
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
    const sessions = service();
    const created = await sessions.create({ user: alice, tokens: tokens("a") }, t0);
    await sessions.touchIfDue(created, t0 + 400);
    // Act
    const result = await sessions.updateTokens(created, tokens("b"), t0 + 401);
    // Assess
    expect(result).toMatchObject({ ok: true, session: { tokens: tokens("b"), version: 2, idleExpiresAt: t0 + 2200 } });
  });

  it("reports a session deleted before the update as gone", async () => {
    // Prepare
    const sessions = service();
    const created = await sessions.create({ user: alice, tokens: tokens("a") }, t0);
    await sessions.delete(created.id);
    // Act
    const result = await sessions.updateTokens(created, tokens("b"), t0 + 1);
    // Assess
    expect(result).toEqual({ ok: false, current: undefined });
    expect(await rawItem(created.id)).toBeUndefined();
  });

  it("deletes a session so its id no longer reads", async () => {
    // Prepare
    const sessions = service();
    const created = await sessions.create({ user: alice, tokens: tokens("a") }, t0);
    // Act
    await sessions.delete(created.id);
    // Assess
    expect(await sessions.get(created.id, t0 + 1)).toBeUndefined();
  });

  it("deletes every session of one user through the sub index, and only those", async () => {
    // Prepare
    const sessions = service();
    const sub = `sub-${randomBytes(6).toString("hex")}`;
    const mine = await Promise.all([1, 2, 3].map((n) => sessions.create({ user: { sub }, tokens: tokens(String(n)) }, t0)));
    const other = await sessions.create({ user: { sub: `${sub}-other` }, tokens: tokens("other") }, t0);
    // Act
    const count = await sessions.deleteAllForSub(sub);
    // Assess
    expect(count).toBe(3);
    for (const session of mine) expect(await sessions.get(session.id, t0 + 1)).toBeUndefined();
    expect((await sessions.get(other.id, t0 + 1))?.id).toBe(other.id);
    expect(await sessions.deleteAllForSub(sub)).toBe(0);
  });

  it("refuses a ciphertext moved from one session's item into another's", async () => {
    // Prepare
    const sessions = service();
    const a = await sessions.create({ user: alice, tokens: tokens("a") }, t0);
    const b = await sessions.create({ user: alice, tokens: tokens("b") }, t0);
    const aTokens = (await rawItem(a.id))?.tokens?.S ?? "";
    await dynamo.client.send(
      new UpdateItemCommand({
        TableName: dynamo.tableName,
        Key: { pk: { S: hashSessionId(b.id) } },
        UpdateExpression: "SET #tokens = :tokens",
        ExpressionAttributeNames: { "#tokens": "tokens" },
        ExpressionAttributeValues: { ":tokens": { S: aTokens } },
      }),
    );
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
    const id = randomBytes(32).toString("base64url");
    const sessions = service({ randomId: () => id });
    const first = await sessions.create({ user: alice, tokens: tokens("first") }, t0);
    // Act
    const error = await sessions.create({ user: { sub: "mallory" }, tokens: tokens("second") }, t0).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toMatchObject({ code: "session_store_unavailable", message: "Could not allocate a unique session id" });
    expect(await sessions.get(first.id, t0 + 1)).toMatchObject({ user: alice, tokens: tokens("first") });
  });

  it("costs exactly one GetItem and no KMS call for a warm read", async () => {
    // Prepare
    const kms = createFakeKms();
    const sealer = createSealer(createKmsKeyProvider({ client: kms.client, keyId: kms.keyId }));
    const sessions = service({ sealer });
    const created = await sessions.create({ user: alice, tokens: tokens("a") }, t0);
    await sessions.get(created.id, t0 + 1);
    dynamo.commands.length = 0;
    kms.mock.resetHistory();
    // Act
    const session = await sessions.get(created.id, t0 + 2);
    // Assess
    expect(session?.tokens).toEqual(tokens("a"));
    expect(dynamo.commands).toEqual(["GetItemCommand"]);
    expect(kms.mock.commandCalls(GenerateDataKeyCommand).length + kms.mock.commandCalls(DecryptCommand).length).toBe(0);
  });

  it("throws SessionStoreError, not undefined, when KMS is down on a cold read", async () => {
    // Prepare
    const kms = createFakeKms();
    const created = await service({ sealer: createSealer(createKmsKeyProvider({ client: kms.client, keyId: kms.keyId })) }).create(
      { user: alice, tokens: tokens("a") },
      t0,
    );
    const coldInstance = service({ sealer: createSealer(createKmsKeyProvider({ client: kms.client, keyId: kms.keyId })) });
    const outage = Object.assign(new Error("KMS unavailable"), { name: "KMSInternalException" });
    kms.fail(outage);
    // Act
    const error = await coldInstance.get(created.id, t0 + 1).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toMatchObject({ code: "session_store_unavailable", status: 503 });
    expect((error as Error).cause).toBe(outage);
  });
});

describe("createSessionService when DynamoDB is down", () => {
  it("throws SessionStoreError from every operation, never undefined", async () => {
    // Prepare
    const down = await startDynalite();
    const sessions = createSessionService({
      dynamodb: down.client,
      tableName: down.tableName,
      sealer: createSealer(createLocalKeyProvider({ key: randomBytes(32) })),
      policy,
    });
    const created = await sessions.create({ user: alice, tokens: tokens("a") }, t0);
    await down.stopServer();
    // Act
    const operations: Promise<unknown>[] = [
      sessions.get(created.id, t0 + 1),
      sessions.create({ user: alice, tokens: tokens("b") }, t0),
      sessions.updateTokens(created, tokens("c"), t0 + 1),
      sessions.touchIfDue(created, t0 + 600),
      sessions.delete(created.id),
      sessions.deleteAllForSub(alice.sub),
    ];
    const outcomes = await Promise.all(
      operations.map((operation) =>
        operation.then(
          () => undefined,
          (caught: unknown) => caught,
        ),
      ),
    );
    // Assess
    for (const error of outcomes) {
      expect(error).toBeInstanceOf(SessionStoreError);
      expect(error).toMatchObject({
        code: "session_store_unavailable",
        status: 503,
        message: "The session store is unavailable, try again shortly",
      });
      expect((error as Error).cause).toBeInstanceOf(Error);
    }
    await down.close();
  });
});
