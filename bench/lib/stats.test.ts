import { describe, expect, it } from "vitest";
import { quantile, summarize } from "./stats.ts";

describe("quantile", () => {
  it("returns an observed value by nearest rank, never an interpolation", () => {
    // Prepare
    const values = [5, 1, 4, 2, 3];
    // Act
    const median = quantile(values, 0.5);
    // Assess
    expect(median).toBe(3);
  });

  it("takes the largest value for p99 of fewer than 100 samples", () => {
    // Prepare
    const values = Array.from({ length: 20 }, (_, index) => index + 1);
    // Act
    const p99 = quantile(values, 0.99);
    // Assess
    expect(p99).toBe(20);
  });

  it("gives NaN for an empty sample rather than a made-up zero", () => {
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe("summarize", () => {
  it("reports p50, p90 and p99 with the sample count", () => {
    // Prepare
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    // Act
    const summary = summarize(values);
    // Assess
    expect(summary).toEqual({ p50Ms: 50, p90Ms: 90, p99Ms: 99, samples: 100 });
  });
});
