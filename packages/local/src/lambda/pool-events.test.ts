import { describe, expect, it } from "vitest";
import { formatPoolEvent, type PoolEvent } from "./pool-events.ts";

describe("formatPoolEvent", () => {
  it.each<[PoolEvent, string]>([
    [{ type: "cold-start", functionName: "bff-api", instanceId: 2, initDurationMs: 411.6 }, "bff-api  #2  cold start 412 ms"],
    [
      {
        type: "invocation",
        functionName: "bff-api",
        instanceId: 2,
        requestId: "r",
        outcome: "success",
        durationMs: 12.2,
        coldStart: false,
      },
      "bff-api  #2  done 12 ms",
    ],
    [
      {
        type: "invocation",
        functionName: "api",
        instanceId: 1,
        requestId: "r",
        outcome: "error",
        durationMs: 3,
        coldStart: true,
        errorType: "TeapotError",
      },
      "api  #1  error TeapotError after 3 ms",
    ],
    [
      {
        type: "invocation",
        functionName: "api",
        instanceId: 1,
        requestId: "r",
        outcome: "timeout",
        durationMs: 10_000.4,
        coldStart: false,
      },
      "api  #1  timed out after 10000 ms",
    ],
    [
      { type: "init-error", functionName: "authorizer", instanceId: 3, requestId: "r", initDurationMs: 40, errorType: "ConfigError" },
      "authorizer  #3  init failed ConfigError after 40 ms",
    ],
    [{ type: "throttled", functionName: "bff-api", requestId: "r", maxConcurrency: 2 }, "bff-api  throttled (2 of 2 instances busy)"],
    [
      { type: "retired", functionName: "bff-api", instanceId: 2, reason: "idle", invocations: 1 },
      "bff-api  #2  retired (idle, 1 invocation)",
    ],
  ])("prints %o as one line", (event, line) => {
    expect(formatPoolEvent(event)).toBe(line);
  });

  it("pads the function name to a column width", () => {
    expect(formatPoolEvent({ type: "cold-start", functionName: "api", instanceId: 1, initDurationMs: 5 }, 8)).toBe(
      "api       #1  cold start 5 ms",
    );
  });
});
