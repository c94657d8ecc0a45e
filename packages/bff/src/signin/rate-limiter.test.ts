import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { rateLimitTable, SessionStoreError } from "@spa-bff/core";
import { startTestDynamo, type TestDynamo } from "@spa-bff/local/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isLocked, lockAfterFailures, subjectId, windowStart } from "./rate-limit-policy.ts";
import { createDynamoRateLimiter } from "./rate-limiter.ts";

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo({ "SignInAttempts-test": rateLimitTable });
});

afterAll(async () => {
  await dynamo.close();
});

const policy = {
  user: { limit: 3, windowSeconds: 600, lockSeconds: 900 },
  ip: { limit: 5, windowSeconds: 600, lockSeconds: 300 },
};
const T0 = 1_800_000_000; // the start of a 600-second window

function limiter() {
  return createDynamoRateLimiter({ client: dynamo.client, tableName: dynamo.tableName, policy });
}

describe("rate-limit policy", () => {
  it("counts user names case-insensitively and stores only hashes", () => {
    // Act
    const a = subjectId({ kind: "user", value: " Alice " });
    const b = subjectId({ kind: "user", value: "alice" });
    // Assess
    expect(a).toBe(b);
    expect(a).not.toContain("alice");
    expect(subjectId({ kind: "ip", value: "alice" })).not.toBe(a);
  });

  it("puts times in fixed windows and locks at the limit", () => {
    // Act & Assess
    expect(windowStart(T0 + 599, 600)).toBe(T0);
    expect(windowStart(T0 + 600, 600)).toBe(T0 + 600);
    expect(lockAfterFailures(2, policy.user, T0)).toBeUndefined();
    expect(lockAfterFailures(3, policy.user, T0)).toBe(T0 + 900);
    expect(isLocked(T0 + 1, T0)).toBe(true);
    expect(isLocked(T0, T0)).toBe(false);
    expect(isLocked(undefined, T0)).toBe(false);
  });
});

describe("DynamoDB rate limiter", () => {
  it("locks a user name after the limit of failures, for lockSeconds, whatever the TTL sweeper did", async () => {
    // Prepare
    const rl = limiter();
    const user = { kind: "user" as const, value: "lock-me" };
    // Act
    const first = await rl.recordFailure([user], T0);
    const second = await rl.recordFailure([user], T0 + 1);
    const third = await rl.recordFailure([user], T0 + 2);
    // Assess
    expect([first, second, third]).toEqual([undefined, undefined, T0 + 2 + 900]);
    expect(await rl.lockedUntil([user], T0 + 3)).toBe(T0 + 902);
    expect(await rl.lockedUntil([user], T0 + 902)).toBeUndefined();
  });

  it("does not lock another user name or IP", async () => {
    // Prepare
    const rl = limiter();
    for (let i = 0; i < 3; i++) await rl.recordFailure([{ kind: "user", value: "victim-1" }], T0);
    // Act
    const other = await rl.lockedUntil(
      [
        { kind: "user", value: "victim-2" },
        { kind: "ip", value: "198.51.100.7" },
      ],
      T0,
    );
    // Assess
    expect(other).toBeUndefined();
  });

  it("counts concurrent failures atomically", async () => {
    // Prepare
    const rl = limiter();
    const ip = { kind: "ip" as const, value: "203.0.113.9" };
    // Act
    const results = await Promise.all(Array.from({ length: 5 }, () => rl.recordFailure([ip], T0)));
    // Assess
    expect(results.filter((value) => value !== undefined)).toEqual([T0 + 300]);
    expect(await rl.lockedUntil([ip], T0)).toBe(T0 + 300);
  });

  it("starts counting afresh in the next window", async () => {
    // Prepare
    const rl = limiter();
    const user = { kind: "user" as const, value: "slow-typist" };
    await rl.recordFailure([user], T0 + 1);
    await rl.recordFailure([user], T0 + 2);
    // Act
    const nextWindow = await rl.recordFailure([user], T0 + 600);
    // Assess
    expect(nextWindow).toBeUndefined();
    expect(await rl.lockedUntil([user], T0 + 600)).toBeUndefined();
  });

  it("forgets a user's failures after a success", async () => {
    // Prepare
    const rl = limiter();
    const user = { kind: "user" as const, value: "forgetful" };
    await rl.recordFailure([user], T0);
    await rl.recordFailure([user], T0);
    // Act
    await rl.clearFailures(user, T0);
    const afterClear = await rl.recordFailure([user], T0);
    // Assess
    expect(afterClear).toBeUndefined();
  });

  it("stores no user name or IP, and gives every item a TTL", async () => {
    // Prepare
    const rl = limiter();
    await rl.recordFailure(
      [
        { kind: "user", value: "visible-name" },
        { kind: "ip", value: "192.0.2.44" },
      ],
      T0,
    );
    // Act
    const { Items } = await dynamo.client.send(new ScanCommand({ TableName: dynamo.tableName }));
    // Assess
    const dump = JSON.stringify(Items);
    expect(dump).not.toContain("visible-name");
    expect(dump).not.toContain("192.0.2.44");
    for (const item of Items ?? []) expect(Number(item.ttl?.N)).toBeGreaterThan(T0);
  });

  it("fails closed with SessionStoreError when the table is unreachable", async () => {
    // Prepare
    const rl = createDynamoRateLimiter({ client: dynamo.client, tableName: "no-such-table", policy });
    // Act
    const result = rl.lockedUntil([{ kind: "user", value: "x" }], T0);
    // Assess
    await expect(result).rejects.toThrow(SessionStoreError);
    await expect(result).rejects.toMatchObject({ code: "session_store_unavailable", status: 503 });
  });
});
