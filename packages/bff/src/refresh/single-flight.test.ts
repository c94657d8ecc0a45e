import { describe, expect, it } from "vitest";
import { createSingleFlight } from "./single-flight.ts";

describe("createSingleFlight", () => {
  it("runs one task per key for concurrent callers and shares its result", async () => {
    // Prepare
    const flight = createSingleFlight<number>();
    let runs = 0;
    let release: (value: number) => void = () => {};
    const task = () => {
      runs++;
      return new Promise<number>((resolve) => {
        release = resolve;
      });
    };
    // Act
    const calls = Array.from({ length: 5 }, () => flight("s1", task));
    release(42);
    const results = await Promise.all(calls);
    // Assess
    expect(runs).toBe(1);
    expect(results).toEqual([42, 42, 42, 42, 42]);
  });

  it("does not cache a failure", async () => {
    // Prepare
    const flight = createSingleFlight<number>();
    await expect(flight("s1", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    // Act
    const result = await flight("s1", () => Promise.resolve(7));
    // Assess
    expect(result).toBe(7);
  });

  it("runs tasks of different keys independently", async () => {
    const flight = createSingleFlight<string>();
    const [a, b] = await Promise.all([flight("a", async () => "A"), flight("b", async () => "B")]);
    expect([a, b]).toEqual(["A", "B"]);
  });
});
