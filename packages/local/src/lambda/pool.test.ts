import { fileURLToPath } from "node:url";
import { createIdentifierHash } from "@spa-bff/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ModuleStateResult } from "./fixtures/module-state.ts";
import { createFunctionPool, type FunctionDefinition, type FunctionPool, FunctionPoolStoppedError, type InvokeResult } from "./pool.ts";
import type { PoolEvent } from "./pool-events.ts";

const fixture = (file: string) => fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));

const pools: FunctionPool[] = [];

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.stop()));
  vi.unstubAllEnvs();
});

function startPool(overrides: Partial<FunctionDefinition> = {}): FunctionPool {
  const pool = createFunctionPool({
    name: "fixture",
    entry: fixture("module-state.ts"),
    env: {},
    timeoutMs: 10_000,
    memoryMb: 128,
    maxConcurrency: 4,
    idleTimeoutMs: 60_000,
    ...overrides,
  });
  pools.push(pool);
  return pool;
}

/** Resolves with the first event that matches; registered before the action that causes it. */
function nextEvent<T extends PoolEvent["type"]>(pool: FunctionPool, type: T, count = 1): Promise<Extract<PoolEvent, { type: T }>[]> {
  const seen: Extract<PoolEvent, { type: T }>[] = [];
  return new Promise((resolve) => {
    const off = pool.onEvent((event) => {
      if (event.type !== type) return;
      seen.push(event as Extract<PoolEvent, { type: T }>);
      if (seen.length === count) {
        off();
        resolve(seen);
      }
    });
  });
}

/** A latch across threads: the handler waits while the cell is 0. */
function createGate(): { array: Int32Array; release(): void } {
  const array = new Int32Array(new SharedArrayBuffer(4));
  return {
    array,
    release() {
      Atomics.store(array, 0, 1);
      Atomics.notify(array, 0);
    },
  };
}

function succeeded(result: InvokeResult): Extract<InvokeResult, { outcome: "success" }> & { payload: ModuleStateResult } {
  if (result.outcome !== "success") throw new Error(`expected success, got ${JSON.stringify(result)}`);
  return result as Extract<InvokeResult, { outcome: "success" }> & { payload: ModuleStateResult };
}

/** The hash the workspace-import fixture computes with its fixed key. */
const fixtureHash = createIdentifierHash(Buffer.alloc(32, 7));

describe("createFunctionPool: instances", () => {
  it("serves one invocation per instance: two concurrent calls start two instances, each counting from one", async () => {
    // Prepare
    const pool = startPool();
    const gate = createGate();
    const bothStarted = nextEvent(pool, "cold-start", 2);
    // Act
    const first = pool.invoke({ gate: gate.array });
    const second = pool.invoke({ gate: gate.array });
    await bothStarted;
    gate.release();
    const [a, b] = (await Promise.all([first, second])).map(succeeded);
    // Assess
    expect(a?.instanceId).not.toBe(b?.instanceId);
    expect(a?.payload.instanceToken).not.toBe(b?.payload.instanceToken);
    expect([a?.payload.invocations, b?.payload.invocations]).toEqual([1, 1]);
    expect([a?.coldStart, b?.coldStart]).toEqual([true, true]);
    expect(pool.stats()).toMatchObject({ instancesStarted: 2, maxConcurrentInstances: 2, instances: 2 });
  });

  it("gives each new instance a fresh module graph: a module-scope Map is not shared", async () => {
    // Prepare
    const pool = startPool();
    const gate = createGate();
    const bothStarted = nextEvent(pool, "cold-start", 2);
    // Act
    const first = pool.invoke({ key: "alice", gate: gate.array });
    const second = pool.invoke({ key: "bob", gate: gate.array });
    await bothStarted;
    gate.release();
    const [a, b] = (await Promise.all([first, second])).map(succeeded);
    // Assess
    expect(a?.payload.keys).toEqual(["alice"]);
    expect(b?.payload.keys).toEqual(["bob"]);
  });

  it("reuses a warm instance for sequential calls, keeping its module state", async () => {
    // Prepare
    const pool = startPool();
    // Act
    const results = [];
    for (const key of ["a", "b", "c"]) results.push(succeeded(await pool.invoke({ key })));
    // Assess
    expect(results.map((result) => result.instanceId)).toEqual([1, 1, 1]);
    expect(results.map((result) => result.coldStart)).toEqual([true, false, false]);
    expect(results.map((result) => result.payload.invocations)).toEqual([1, 2, 3]);
    expect(results[2]?.payload.keys).toEqual(["a", "b", "c"]);
    expect(pool.stats()).toMatchObject({ instancesStarted: 1, invocationsPerInstance: { 1: 3 } });
  });

  it("reports the memory of each warm instance, skipping a busy one, and keeps serving after the probe", async () => {
    // Prepare: two instances; one is held busy.
    const pool = startPool();
    const gate = createGate();
    const bothStarted = nextEvent(pool, "cold-start", 2);
    const busy = pool.invoke({ gate: gate.array });
    await Promise.all([pool.invoke({ key: "warm" }), bothStarted]);
    // Act
    const memory = await pool.memory();
    gate.release();
    await busy;
    const after = succeeded(await pool.invoke({}));
    // Assess
    expect(memory).toHaveLength(1);
    const [warm] = memory;
    expect(warm?.usedHeapBytes).toBeGreaterThan(0);
    expect(warm?.usedHeapBytes).toBeLessThanOrEqual(warm?.totalHeapBytes ?? 0);
    // The heap limit is the function's memory (128 MB here), as the pool caps it.
    expect(warm?.heapLimitBytes).toBeLessThan(256 * 1024 * 1024);
    expect(warm?.processRssBytes).toBeGreaterThan(warm?.usedHeapBytes ?? 0);
    expect(after.coldStart).toBe(false);
    expect(pool.stats().instancesStarted).toBe(2);
  });

  it("collects an instance's garbage before measuring when asked, and names the instance", async () => {
    // Prepare: a warm instance holding an object only a WeakRef points to
    const pool = startPool();
    const made = succeeded(await pool.invoke({ makeGarbage: true }));
    // Act
    const [plain] = await pool.memory();
    const stillThere = succeeded(await pool.invoke({}));
    const [collected] = await pool.memory({ collect: true });
    const after = succeeded(await pool.invoke({}));
    // Assess: a plain probe leaves the garbage alone; a collecting one frees it, in that very instance
    expect(plain?.instanceId).toBe(made.instanceId);
    expect(collected?.instanceId).toBe(made.instanceId);
    expect(stillThere.payload.garbageAlive).toBe(true);
    expect(after.payload.garbageAlive).toBe(false);
  });

  it("reuses the most recently used idle instance first", async () => {
    // Prepare: two instances; the first one's call ends last.
    const pool = startPool();
    const gates = [createGate(), createGate()];
    const bothStarted = nextEvent(pool, "cold-start", 2);
    const first = pool.invoke({ gate: gates[0]?.array });
    const second = pool.invoke({ gate: gates[1]?.array });
    await bothStarted;
    gates[1]?.release();
    await second;
    gates[0]?.release();
    const lastIdle = succeeded(await first);
    // Act
    const next = succeeded(await pool.invoke({}));
    // Assess
    expect(next.instanceId).toBe(lastIdle.instanceId);
    expect(next.coldStart).toBe(false);
  });

  it("throttles at the limit at once: with a limit of 2, the third concurrent call is refused while the others run", async () => {
    // Prepare
    const pool = startPool({ maxConcurrency: 2 });
    const gate = createGate();
    const throttled = nextEvent(pool, "throttled");
    // Act
    const running = [pool.invoke({ gate: gate.array }), pool.invoke({ gate: gate.array })];
    const third = await pool.invoke({ gate: gate.array }, { requestId: "req-3" });
    // Assess: answered while the gate still holds the first two, so nothing waited.
    expect(third).toEqual({ outcome: "throttled", requestId: "req-3" });
    expect((await throttled)[0]).toMatchObject({ requestId: "req-3", maxConcurrency: 2 });
    gate.release();
    expect((await Promise.all(running)).map((result) => result.outcome)).toEqual(["success", "success"]);
    expect(pool.stats()).toMatchObject({ instancesStarted: 2, throttles: 1 });
  });

  it("retires an instance that stays idle past the idle time; the next call is a cold start", async () => {
    // Prepare
    const pool = startPool({ idleTimeoutMs: 50 });
    const retired = nextEvent(pool, "retired");
    await pool.invoke({});
    // Act
    const [event] = await retired;
    const next = await pool.invoke({});
    // Assess
    expect(event).toMatchObject({ instanceId: 1, reason: "idle", invocations: 1 });
    expect(next).toMatchObject({ outcome: "success", instanceId: 2, coldStart: true });
  });
});

describe("createFunctionPool: failures as Lambda reports them", () => {
  it("ends a handler that never resolves at the timeout and replaces the instance", async () => {
    // Prepare
    const pool = startPool({ entry: fixture("misbehaving.ts"), timeoutMs: 300 });
    const retired = nextEvent(pool, "retired");
    // Act
    const result = await pool.invoke({ act: "hang" }, { requestId: "req-hang" });
    const next = await pool.invoke({ act: "echo", value: 1 });
    // Assess
    expect(result).toMatchObject({
      outcome: "timeout",
      instanceId: 1,
      error: { errorType: "Sandbox.Timedout", errorMessage: "RequestId: req-hang Error: Task timed out after 0.30 seconds" },
    });
    expect((await retired)[0]).toMatchObject({ instanceId: 1, reason: "timeout" });
    expect(next).toMatchObject({ outcome: "success", payload: 1, instanceId: 2, coldStart: true });
    expect(pool.stats()).toMatchObject({ timeouts: 1, instancesStarted: 2 });
  });

  it("reports a thrown error by its name and message, and the instance keeps serving", async () => {
    // Prepare
    const pool = startPool({ entry: fixture("misbehaving.ts") });
    // Act
    const failed = await pool.invoke({ act: "throw" });
    const next = await pool.invoke({ act: "echo", value: "still here" });
    // Assess
    expect(failed).toMatchObject({ outcome: "error", instanceId: 1, error: { errorType: "TeapotError", errorMessage: "I'm a teapot" } });
    expect(failed.outcome === "error" && failed.error.trace[0]).toContain("TeapotError: I'm a teapot");
    expect(next).toMatchObject({ outcome: "success", payload: "still here", instanceId: 1, coldStart: false });
  });

  it("reports a result that cannot cross to the caller as Runtime.JSONStringifyError", async () => {
    // Prepare
    const pool = startPool({ entry: fixture("misbehaving.ts") });
    // Act
    const result = await pool.invoke({ act: "unserializable" });
    // Assess
    expect(result).toMatchObject({ outcome: "error", error: { errorType: "Runtime.JSONStringifyError" } });
  });

  it("reports an init error (config validation at module scope) with its name, discards the instance and cold-starts the next call", async () => {
    // Prepare
    const pool = startPool({ entry: fixture("init-error.ts") });
    const events: PoolEvent[] = [];
    pool.onEvent((event) => events.push(event));
    // Act
    const first = await pool.invoke({});
    const second = await pool.invoke({});
    // Assess
    expect(first).toMatchObject({ outcome: "error", instanceId: 1, coldStart: true, error: { errorType: "ConfigError" } });
    expect(first.outcome === "error" && first.error.errorMessage).toBe("Missing FIXTURE_TABLE. Expected: table name");
    expect(second).toMatchObject({ outcome: "error", instanceId: 2, coldStart: true });
    expect(
      events.filter((event) => event.type !== "invocation").map((event) => [event.type, "reason" in event ? event.reason : ""]),
    ).toEqual([
      ["init-error", ""],
      ["retired", "init-error"],
      ["init-error", ""],
      ["retired", "init-error"],
    ]);
  });

  it("ends an init that passes Lambda's init limit as a timeout and discards the instance", async () => {
    // Prepare
    const pool = startPool({ entry: fixture("slow-init.ts"), initTimeoutMs: 300 });
    const retired = nextEvent(pool, "retired");
    // Act
    const result = await pool.invoke({}, { requestId: "req-init" });
    // Assess
    expect(result).toMatchObject({
      outcome: "timeout",
      coldStart: true,
      error: { errorType: "Sandbox.Timedout", errorMessage: "RequestId: req-init Error: Task timed out after 0.30 seconds" },
    });
    expect((await retired)[0]).toMatchObject({ instanceId: 1, reason: "timeout", invocations: 0 });
    expect(pool.stats()).toMatchObject({ timeouts: 1, instances: 0 });
  });

  it("reports an entry that cannot be imported as Runtime.ImportModuleError", async () => {
    // Prepare
    const pool = startPool({ entry: fixture("does-not-exist.ts") });
    // Act
    const result = await pool.invoke({});
    // Assess
    expect(result).toMatchObject({ outcome: "error", error: { errorType: "Runtime.ImportModuleError" } });
  });

  it("reports a missing handler export as Runtime.HandlerNotFound, in Lambda's words", async () => {
    // Prepare
    const pool = startPool({ handler: "main" });
    // Act
    const result = await pool.invoke({});
    // Assess
    expect(result).toMatchObject({
      outcome: "error",
      error: { errorType: "Runtime.HandlerNotFound", errorMessage: "module-state.main is undefined or not exported" },
    });
  });

  it("reports a handler that exits the runtime as Runtime.ExitError and replaces the instance", async () => {
    // Prepare
    const pool = startPool({ entry: fixture("misbehaving.ts") });
    // Act
    const result = await pool.invoke({ act: "exit", code: 3 }, { requestId: "req-exit" });
    const next = await pool.invoke({ act: "echo", value: "fresh" });
    // Assess
    expect(result).toMatchObject({
      outcome: "error",
      error: { errorType: "Runtime.ExitError", errorMessage: "RequestId: req-exit Error: Runtime exited with error: exit status 3" },
    });
    expect(next).toMatchObject({ outcome: "success", instanceId: 2, coldStart: true });
  });

  it("caps the heap at the function's memory: a runaway handler dies with Runtime.OutOfMemory and the instance is replaced", async () => {
    // Prepare
    const pool = startPool({ entry: fixture("misbehaving.ts"), memoryMb: 64 });
    const retired = nextEvent(pool, "retired");
    // Act
    const result = await pool.invoke({ act: "exhaust-memory" });
    const next = await pool.invoke({ act: "echo", value: "fresh" });
    // Assess
    expect(result).toMatchObject({ outcome: "error", error: { errorType: "Runtime.OutOfMemory" } });
    expect((await retired)[0]).toMatchObject({ reason: "crashed" });
    expect(next).toMatchObject({ outcome: "success", payload: "fresh", instanceId: 2, coldStart: true });
  });
});

describe("createFunctionPool: what the handler sees", () => {
  it("passes Lambda's context: names, $LATEST, memory, request id, ARN, per-instance log stream and a deadline", async () => {
    // Prepare
    const pool = startPool({ name: "bff-api", memoryMb: 256, timeoutMs: 5_000, region: "eu-west-1", accountId: "111122223333" });
    // Act
    const { payload } = succeeded(await pool.invoke({}, { requestId: "req-ctx" }));
    // Assess
    expect(payload.context).toMatchObject({
      functionName: "bff-api",
      functionVersion: "$LATEST",
      memoryLimitInMB: "256",
      awsRequestId: "req-ctx",
      invokedFunctionArn: "arn:aws:lambda:eu-west-1:111122223333:function:bff-api",
      logGroupName: "/aws/lambda/bff-api",
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(payload.context.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(payload.context.remainingMs).toBeGreaterThan(0);
    expect(payload.context.remainingMs).toBeLessThanOrEqual(5_000);
  });

  it("makes each pool's env its instances' process.env, with Lambda's variables, and leaves the main process env alone", async () => {
    // Prepare
    vi.stubEnv("FIXTURE_MAIN_ONLY", "main");
    const red = startPool({ name: "red", env: { FIXTURE_COLOR: "red", AWS_REGION: "eu-central-1" } });
    const blue = startPool({ name: "blue", env: { FIXTURE_COLOR: "blue" } });
    const names = ["FIXTURE_COLOR", "FIXTURE_MAIN_ONLY", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_REGION"];
    // Act
    const [fromRed, fromBlue] = (await Promise.all([red.invoke({ env: names }), blue.invoke({ env: names })])).map(succeeded);
    // Assess
    expect(fromRed?.payload.env).toEqual({
      FIXTURE_COLOR: "red",
      FIXTURE_MAIN_ONLY: undefined,
      AWS_LAMBDA_FUNCTION_NAME: "red",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "128",
      AWS_REGION: "eu-central-1",
    });
    expect(fromBlue?.payload.env).toMatchObject({ FIXTURE_COLOR: "blue", AWS_LAMBDA_FUNCTION_NAME: "blue", AWS_REGION: "us-east-1" });
    expect(process.env.FIXTURE_COLOR).toBeUndefined();
    expect(process.env.AWS_LAMBDA_FUNCTION_NAME).toBeUndefined();
  });

  it("loads a TypeScript entry that imports a workspace package and awaits at module scope", async () => {
    // Prepare
    const pool = startPool({ entry: fixture("workspace-import.ts") });
    // Act
    const result = await pool.invoke({ value: "alice" });
    // Assess
    expect(result).toMatchObject({
      outcome: "success",
      payload: { code: "not_found", hash: fixtureHash("fixture", "alice"), warmedUp: fixtureHash("fixture", "cold start") },
    });
  });
});

describe("createFunctionPool: stop()", () => {
  it("terminates every instance; a pending invocation and any later one reject with FunctionPoolStoppedError", async () => {
    // Prepare
    const pool = startPool({ entry: fixture("misbehaving.ts") });
    const started = nextEvent(pool, "cold-start");
    const pending = pool.invoke({ act: "hang" }).catch((error: unknown) => error);
    await started;
    // Act
    await pool.stop();
    // Assess
    expect(await pending).toBeInstanceOf(FunctionPoolStoppedError);
    await expect(pool.invoke({ act: "echo", value: 1 })).rejects.toThrow('The function pool "fixture" is stopped');
    expect(pool.stats().instances).toBe(0);
  });

  it("rejects a definition it cannot run, naming the field", () => {
    expect(() => startPool({ entry: "relative/path.ts" })).toThrow('"entry" must be an absolute path or a file: URL');
    expect(() => startPool({ maxConcurrency: 1.5 })).toThrow('"maxConcurrency" must be a non-negative integer');
    expect(() => startPool({ timeoutMs: 0 })).toThrow('"timeoutMs"');
  });
});
