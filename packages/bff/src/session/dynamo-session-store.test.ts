import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { SessionStoreError } from "@spa-bff/core";
import { startTestDynamo, type TestDynamo } from "@spa-bff/local/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDynamoSessionStore } from "./dynamo-session-store.ts";
import type { SessionKey } from "./session-id.ts";
import type { StoredSession } from "./session-store.ts";

const t0 = 1_700_000_000;
let dynamo: TestDynamo;
let counter = 0;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});
beforeEach(() => {
  dynamo.commands.length = 0;
});

function record(overrides: Partial<StoredSession> = {}): StoredSession {
  counter += 1;
  return {
    key: { pk: `u#user-${counter % 3}`, sk: `s#session-${counter}-${"h".repeat(40)}` },
    handle: `handle-${counter}`,
    signInMethod: "password",
    device: "Firefox on Linux",
    user: { sub: "sub-alice", name: "Alice Anderson", email: "alice@example.com", username: "alice" },
    tokens: "v1.sealed-tokens",
    createdAt: t0,
    touchedAt: t0,
    idleExpiresAt: t0 + 1800,
    absoluteExpiresAt: t0 + 28_800,
    version: 1,
    ...overrides,
  };
}

function store() {
  return createDynamoSessionStore({ client: dynamo.client, tableName: dynamo.tableName });
}

async function rawItem(key: SessionKey) {
  return (
    await dynamo.client.send(
      new GetItemCommand({ TableName: dynamo.tableName, Key: { pk: { S: key.pk }, sk: { S: key.sk } }, ConsistentRead: true }),
    )
  ).Item;
}

const missing: SessionKey = { pk: "u#missing", sk: "s#missing" };

describe("createDynamoSessionStore", () => {
  it("writes the claims in clear, the sweep time as ttl, and reads the record back with one GetItem", async () => {
    // Prepare
    const sessions = store();
    const written = record();
    // Act
    expect(await sessions.insert(written)).toBe(true);
    dynamo.commands.length = 0;
    const read = await sessions.get(written.key);
    // Assess
    const item = await rawItem(written.key);
    expect(read).toEqual(written);
    expect(dynamo.commands).toEqual(["GetItemCommand", "GetItemCommand"]);
    expect(item?.user?.M?.sub?.S).toBe("sub-alice");
    expect(item?.method?.S).toBe("password");
    expect(item?.device?.S).toBe("Firefox on Linux");
    expect(item?.user?.M?.email?.S).toBe("alice@example.com");
    expect(item?.ttl?.N).toBe(String(t0 + 1800));
    expect(item?.version?.N).toBe("1");
    expect(item?.tokens?.S).toBe("v1.sealed-tokens");
  });

  it("answers undefined for an unknown key", async () => {
    expect(await store().get(missing)).toBeUndefined();
  });

  it("never overwrites a record on insert", async () => {
    // Prepare
    const sessions = store();
    const first = record();
    await sessions.insert(first);
    // Act
    const second = await sessions.insert({ ...first, user: { sub: "mallory" }, tokens: "v1.other" });
    // Assess
    expect(second).toBe(false);
    expect(await sessions.get(first.key)).toEqual(first);
  });

  it("replaces tokens only at the version read and before either deadline, bumping the version", async () => {
    // Prepare
    const sessions = store();
    const written = record();
    await sessions.insert(written);
    // Act
    const stale = await sessions.replaceTokens(written.key, 7, "v1.stale", t0 + 1);
    const afterIdle = await sessions.replaceTokens(written.key, 1, "v1.late", t0 + 1800);
    const fresh = await sessions.replaceTokens(written.key, 1, "v1.fresh", t0 + 1);
    const gone = await sessions.replaceTokens(missing, 1, "v1.none", t0 + 1);
    // Assess
    expect(stale).toBeUndefined();
    expect(afterIdle).toBeUndefined();
    expect(fresh).toEqual({ ...written, tokens: "v1.fresh", version: 2 });
    expect(gone).toBeUndefined();
    expect(await rawItem(missing)).toBeUndefined();
  });

  it("touches without bumping the version, only while the idle deadline holds, and never recreates a deleted record", async () => {
    // Prepare
    const sessions = store();
    const written = record();
    await sessions.insert(written);
    const update = { touchedAt: t0 + 300, idleExpiresAt: t0 + 2100, ttl: t0 + 2100 };
    // Act
    const touched = await sessions.touch(written.key, 1, update, t0 + 300);
    const tooLate = await sessions.touch(written.key, 1, update, t0 + 2100);
    await sessions.remove(written.key);
    const afterDelete = await sessions.touch(written.key, 1, update, t0 + 400);
    // Assess
    expect(touched).toBe(true);
    expect(tooLate).toBe(false);
    expect(afterDelete).toBe(false);
    expect(await rawItem(written.key)).toBeUndefined();
  });

  it("touched records keep their version and carry the new ttl", async () => {
    // Prepare
    const sessions = store();
    const written = record();
    await sessions.insert(written);
    // Act
    await sessions.touch(written.key, 1, { touchedAt: t0 + 300, idleExpiresAt: t0 + 2100, ttl: t0 + 2100 }, t0 + 300);
    // Assess
    expect(await sessions.get(written.key)).toMatchObject({ touchedAt: t0 + 300, idleExpiresAt: t0 + 2100, version: 1 });
    expect((await rawItem(written.key))?.ttl?.N).toBe(String(t0 + 2100));
  });

  it("removes unconditionally, or only at the version given", async () => {
    // Prepare
    const sessions = store();
    const a = record();
    const b = record();
    await sessions.insert(a);
    await sessions.insert(b);
    // Act
    const staleRemove = await sessions.remove(a.key, 2);
    const versionRemove = await sessions.remove(a.key, 1);
    const plainRemove = await sessions.remove(b.key);
    // Assess
    expect(staleRemove).toBe(false);
    expect(versionRemove).toBe(true);
    expect(plainRemove).toBe(true);
    expect(await sessions.get(a.key)).toBeUndefined();
    expect(await sessions.get(b.key)).toBeUndefined();
  });

  it("grants the refresh lease to one taker at a time, until it runs out, and only at the version read", async () => {
    // Prepare
    const sessions = store();
    const written = record();
    await sessions.insert(written);
    // Act
    const results = await Promise.all(
      ["a", "b", "c", "d"].map((owner) => sessions.takeLease(written.key, 1, { until: t0 + 10, owner }, t0)),
    );
    const whileHeld = await sessions.takeLease(written.key, 1, { until: t0 + 20, owner: "late" }, t0 + 5);
    const afterItRanOut = await sessions.takeLease(written.key, 1, { until: t0 + 20, owner: "next" }, t0 + 10);
    const staleVersion = await sessions.takeLease(written.key, 2, { until: t0 + 30, owner: "stale" }, t0 + 25);
    // Assess
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(whileHeld).toBe(false);
    expect(afterItRanOut).toBe(true);
    expect(staleVersion).toBe(false);
    expect((await sessions.get(written.key))?.lease).toEqual({ until: t0 + 20, owner: "next" });
  });

  it("lets only the lease holder write during a lease, clears the lease with the write, and gives a lease back only to its holder", async () => {
    // Prepare
    const sessions = store();
    const written = record();
    await sessions.insert(written);
    await sessions.takeLease(written.key, 1, { until: t0 + 10, owner: "holder" }, t0);
    // Act
    const withoutLease = await sessions.replaceTokens(written.key, 1, "v1.other", t0 + 1);
    const wrongOwner = await sessions.replaceTokens(written.key, 1, "v1.thief", t0 + 1, "someone-else");
    await sessions.releaseLease(written.key, "someone-else");
    const stillHeld = (await sessions.get(written.key))?.lease;
    const byHolder = await sessions.replaceTokens(written.key, 1, "v1.refreshed", t0 + 1, "holder");
    // Assess
    expect(withoutLease).toBeUndefined();
    expect(wrongOwner).toBeUndefined();
    expect(stillHeld).toEqual({ until: t0 + 10, owner: "holder" });
    expect(byHolder).toMatchObject({ tokens: "v1.refreshed", version: 2 });
    expect(byHolder?.lease).toBeUndefined();
    expect((await rawItem(written.key))?.leaseOwner).toBeUndefined();
  });

  it("gives a lease back to its holder", async () => {
    // Prepare
    const sessions = store();
    const written = record();
    await sessions.insert(written);
    await sessions.takeLease(written.key, 1, { until: t0 + 10, owner: "holder" }, t0);
    // Act
    await sessions.releaseLease(written.key, "holder");
    // Assess
    expect((await sessions.get(written.key))?.lease).toBeUndefined();
    expect(await sessions.takeLease(written.key, 1, { until: t0 + 10, owner: "next" }, t0 + 1)).toBe(true);
  });

  it("lists every session of one partition, strongly consistent, and none of another's", async () => {
    // Prepare
    const sessions = store();
    const mine = [record({ key: { pk: "u#list-me", sk: "s#one" } }), record({ key: { pk: "u#list-me", sk: "s#two" } })];
    const theirs = record({ key: { pk: "u#list-them", sk: "s#three" } });
    for (const written of [...mine, theirs]) await sessions.insert(written);
    dynamo.commands.length = 0;
    // Act
    const listed = await sessions.listPartition("u#list-me");
    // Assess
    expect(listed.map((stored) => stored.key.sk).sort()).toEqual(["s#one", "s#two"]);
    expect(listed[0]).toEqual(mine.find((stored) => stored.key.sk === listed[0]?.key.sk));
    expect(dynamo.commands).toEqual(["QueryCommand"]);
  });

  it("links sessions to an IdP session, lists the links, and removes one", async () => {
    // Prepare
    const sessions = store();
    const a = record();
    const b = record();
    // Act
    await sessions.linkIdpSession("idp-1", a.key, t0 + 100);
    await sessions.linkIdpSession("idp-1", b.key, t0 + 100);
    await sessions.linkIdpSession("idp-2", b.key, t0 + 100);
    await sessions.unlinkIdpSession("idp-1", a.key);
    // Assess
    expect(await sessions.idpSessionLinks("idp-1")).toEqual([b.key]);
    expect(await sessions.idpSessionLinks("idp-2")).toEqual([b.key]);
    expect(await sessions.idpSessionLinks("idp-3")).toEqual([]);
  });

  it("remembers a marker once, however many callers race, and again once its time has passed", async () => {
    // Prepare
    const sessions = store();
    // Act
    const racing = await Promise.all(Array.from({ length: 8 }, () => sessions.rememberOnce("jti#once", t0 + 60, t0)));
    const beforeEnd = await sessions.rememberOnce("jti#once", t0 + 120, t0 + 59);
    const afterEnd = await sessions.rememberOnce("jti#once", t0 + 120, t0 + 60);
    await sessions.forget("jti#once");
    const afterForget = await sessions.rememberOnce("jti#once", t0 + 180, t0 + 61);
    // Assess
    expect(racing.filter(Boolean)).toHaveLength(1);
    expect(beforeEnd).toBe(false);
    expect(afterEnd).toBe(true);
    expect(afterForget).toBe(true);
  });

  it("counts up to its limit in a window, however many callers race", async () => {
    // Prepare
    const sessions = store();
    // Act
    const racing = await Promise.all(Array.from({ length: 12 }, () => sessions.count("limit#test#w1", 5, t0 + 60)));
    const otherWindow = await sessions.count("limit#test#w2", 5, t0 + 120);
    // Assess
    expect(racing.filter(Boolean)).toHaveLength(5);
    expect(otherWindow).toBe(true);
  });

  it("reads a record that lacks an attribute as no record", async () => {
    // Prepare
    const sessions = store();
    const written = record({ tokens: "" });
    await sessions.insert(written);
    // Act + Assess
    expect(await sessions.get(written.key)).toBeUndefined();
  });
});

describe("createDynamoSessionStore when DynamoDB is down", () => {
  it("throws SessionStoreError from every operation, never undefined or false", async () => {
    // Prepare
    const down = await startTestDynamo({ "Sessions-down": (await import("@spa-bff/core")).sessionsTable });
    const sessions = createDynamoSessionStore({ client: down.client, tableName: down.tableName });
    const written = record();
    await sessions.insert(written);
    await down.stop();
    // Act
    const outcomes = await Promise.all(
      [
        sessions.get(written.key),
        sessions.insert(record()),
        sessions.replaceTokens(written.key, 1, "v1.x", t0 + 1),
        sessions.touch(written.key, 1, { touchedAt: t0 + 300, idleExpiresAt: t0 + 2100, ttl: t0 + 2100 }, t0 + 300),
        sessions.remove(written.key),
        sessions.remove(written.key, 1),
        sessions.takeLease(written.key, 1, { until: t0 + 10, owner: "o" }, t0),
        sessions.releaseLease(written.key, "o"),
        sessions.listPartition(written.key.pk),
        sessions.linkIdpSession("idp", written.key, t0 + 10),
        sessions.idpSessionLinks("idp"),
        sessions.unlinkIdpSession("idp", written.key),
        sessions.rememberOnce("jti#x", t0 + 10, t0),
        sessions.forget("jti#x"),
        sessions.count("limit#x", 5, t0 + 10),
      ].map((operation) =>
        (operation as Promise<unknown>).then(
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
