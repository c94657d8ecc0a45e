import { describe, expect, it } from "vitest";
import { createAuthorizerCache } from "./cache.ts";

const grant = { principalId: "p", statements: [], context: {} };

describe("createAuthorizerCache", () => {
  it("serves an outcome until the TTL ends, then forgets it", () => {
    // Prepare
    let now = 1_000_000;
    const cache = createAuthorizerCache({ ttlSeconds: 300, clock: () => now });
    cache.set("Bearer a", { kind: "grant", grant });
    // Act
    now += 299_999;
    const before = cache.get("Bearer a");
    now += 1;
    const after = cache.get("Bearer a");
    // Assess
    expect(before).toEqual({ kind: "grant", grant });
    expect(after).toBeUndefined();
  });

  it("keeps entries per identity value", () => {
    const cache = createAuthorizerCache({ ttlSeconds: 60, clock: () => 0 });
    cache.set("Bearer a", { kind: "unauthorized" });
    expect(cache.get("Bearer a")).toEqual({ kind: "unauthorized" });
    expect(cache.get("Bearer b")).toBeUndefined();
  });

  it("stores nothing when the TTL is 0", () => {
    const cache = createAuthorizerCache({ ttlSeconds: 0, clock: () => 0 });
    cache.set("Bearer a", { kind: "grant", grant });
    expect(cache.get("Bearer a")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("evicts the oldest entry when full", () => {
    const cache = createAuthorizerCache({ ttlSeconds: 60, clock: () => 0, maxEntries: 2 });
    cache.set("a", { kind: "unauthorized" });
    cache.set("b", { kind: "unauthorized" });
    cache.set("c", { kind: "unauthorized" });
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("c")).toEqual({ kind: "unauthorized" });
    expect(cache.size).toBe(2);
  });

  it("refuses a TTL beyond API Gateway's 3600 seconds", () => {
    expect(() => createAuthorizerCache({ ttlSeconds: 3601, clock: Date.now })).toThrow(TypeError);
    expect(() => createAuthorizerCache({ ttlSeconds: 3601, clock: Date.now })).toThrow(
      '"cacheTtlSeconds" must be between 0 and 3600 (API Gateway\'s limit), got 3601',
    );
  });
});
