import { createHash } from "node:crypto";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { rateLimitTable, SessionStoreError } from "@spa-bff/core";
import { startTestDynamo, type TestDynamo } from "@spa-bff/local/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testHash } from "../testing/fixtures.ts";
import { secondsLeftInWindow, subjectId, windowStart } from "./rate-limit-policy.ts";
import { createDynamoRateLimiter } from "./rate-limiter.ts";

let dynamo: TestDynamo;
let counter = 0;

beforeAll(async () => {
  dynamo = await startTestDynamo({ "SignInAttempts-test": rateLimitTable });
});

afterAll(async () => {
  await dynamo.close();
});

const policy = {
  pair: { limit: 3, windowSeconds: 600 },
  user: { limit: 6, windowSeconds: 600 },
  ip: { limit: 5, windowSeconds: 600 },
};
const T0 = 1_800_000_000; // the start of a 600-second window

function limiter() {
  return createDynamoRateLimiter({ client: dynamo.client, tableName: dynamo.tableName, policy, hash: testHash });
}

/** A user name and address no other test uses. */
function fresh() {
  counter += 1;
  return { user: `user-${counter}`, ip: `203.0.113.${counter}` };
}

describe("rate-limit policy", () => {
  it("counts user names case-insensitively, keeps pairs, users and addresses apart, and stores only hashes", () => {
    // Act
    const a = subjectId("user", { user: " Alice ", ip: "1.2.3.4" }, testHash);
    const b = subjectId("user", { user: "alice", ip: "5.6.7.8" }, testHash);
    // Assess
    expect(a).toBe(b);
    expect(a).not.toContain("alice");
    expect(subjectId("pair", { user: "alice", ip: "1.2.3.4" }, testHash)).not.toBe(
      subjectId("pair", { user: "alice", ip: "5.6.7.8" }, testHash),
    );
    expect(subjectId("ip", { user: "x", ip: "1.2.3.4" }, testHash)).not.toContain("1.2.3.4");
  });

  it("puts times in fixed windows", () => {
    expect(windowStart(T0 + 599, 600)).toBe(T0);
    expect(windowStart(T0 + 600, 600)).toBe(T0 + 600);
    expect(secondsLeftInWindow(T0 + 100, 600)).toBe(500);
  });
});

describe("DynamoDB rate limiter", () => {
  it("reserves places up to the pair's limit, says which was the last, then refuses until the window ends", async () => {
    // Prepare
    const rl = limiter();
    const attempt = fresh();
    // Act
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await rl.reserve(attempt, T0 + i));
    const nextWindow = await rl.reserve(attempt, T0 + 600);
    // Assess
    expect(results.map((result) => result.ok)).toEqual([true, true, true, false]);
    expect(results[2]).toMatchObject({ ok: true, lastPlace: true, retryAfterSeconds: 598 });
    expect(results[3]).toEqual({ ok: false, retryAfterSeconds: 597 });
    expect(nextWindow).toMatchObject({ ok: true, lastPlace: false });
  });

  it("lets at most the limit through when many instances reserve at once", async () => {
    // Prepare: 25 attempts at once, each as its own instance (its own limiter)
    const attempt = fresh();
    // Act
    const results = await Promise.all(Array.from({ length: 25 }, () => limiter().reserve(attempt, T0 + 10)));
    // Assess
    expect(results.filter((result) => result.ok)).toHaveLength(3);
  });

  it("keeps the same user name from another address free, up to the user's higher ceiling", async () => {
    // Prepare: the pair from one address is full
    const rl = limiter();
    const attempt = fresh();
    for (let i = 0; i < 3; i++) await rl.reserve(attempt, T0);
    // Act
    const sameAddress = await rl.reserve(attempt, T0);
    const otherAddresses = [];
    for (let i = 0; i < 4; i++) otherAddresses.push(await rl.reserve({ user: attempt.user.toUpperCase(), ip: `198.51.100.${i}` }, T0));
    // Assess: 3 + 3 reach the user's ceiling of 6
    expect(sameAddress.ok).toBe(false);
    expect(otherAddresses.map((result) => result.ok)).toEqual([true, true, true, false]);
  });

  it("limits one address over many user names, and gives back the places a refused reservation took", async () => {
    // Prepare
    const rl = limiter();
    const ip = fresh().ip;
    for (let i = 0; i < 5; i++) expect((await rl.reserve({ user: `spray-${counter}-${i}`, ip }, T0)).ok).toBe(true);
    // Act
    const sixth = await rl.reserve({ user: `spray-${counter}-5`, ip }, T0);
    const sameUserElsewhere = await rl.reserve({ user: `spray-${counter}-5`, ip: "192.0.2.99" }, T0);
    // Assess: the refused attempt took no place in its pair's counter or its user's
    expect(sixth.ok).toBe(false);
    expect(sameUserElsewhere).toMatchObject({ ok: true, lastPlace: false });
  });

  it("forgives a pair after a completed sign-in and gives a reservation back when no verdict was reached", async () => {
    // Prepare
    const rl = limiter();
    const attempt = fresh();
    for (let i = 0; i < 3; i++) await rl.reserve(attempt, T0);
    // Act
    await rl.forgive(attempt, T0);
    const afterForgive = await rl.reserve(attempt, T0);
    await rl.release(attempt, T0);
    const released = await rl.reserve(attempt, T0);
    // Assess
    expect(afterForgive).toMatchObject({ ok: true, lastPlace: false });
    expect(released).toMatchObject({ ok: true, lastPlace: false });
  });

  it("stores no user name or address nor an unkeyed hash of one, and gives every item a TTL at the end of its window", async () => {
    // Prepare
    const attempt = { user: "secret-user-name", ip: "203.0.113.250" };
    // Act
    await limiter().reserve(attempt, T0 + 30);
    // Assess
    const { Items } = await dynamo.client.send(new ScanCommand({ TableName: dynamo.tableName }));
    const text = JSON.stringify(Items);
    expect(text).not.toContain("secret-user-name");
    expect(text).not.toContain("203.0.113.250");
    // Nor an unkeyed hash of either, which a brute force over all addresses or a list of names would reverse.
    for (const value of ["secret-user-name", "203.0.113.250", "user:secret-user-name", "ip:203.0.113.250"]) {
      for (const encoding of ["hex", "base64url", "base64"] as const) {
        expect(text).not.toContain(createHash("sha256").update(value).digest(encoding).slice(0, 16));
      }
    }
    for (const item of Items ?? []) expect(Number(item.ttl?.N)).toBeGreaterThan(T0);
  });

  it("fails closed with SessionStoreError when the table is unreachable", async () => {
    // Prepare
    const rl = createDynamoRateLimiter({ client: dynamo.client, tableName: "no-such-table", policy, hash: testHash });
    // Act
    const error = await rl.reserve(fresh(), T0).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toMatchObject({ code: "session_store_unavailable", status: 503 });
  });
});
