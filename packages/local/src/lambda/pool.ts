/**
 * Runs one Lambda function locally the way Lambda runs it: a pool of
 * execution environments (one worker thread each, with its own module graph
 * and `process.env`), one invocation at a time per environment, cold starts
 * up to a concurrency limit, throttling past it, warm reuse, idle
 * retirement, and the function's timeout.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { isAbsolute } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { PoolEvent, RetireReason } from "./pool-events.ts";
import type { InstanceMemory, InstanceMessage, InstanceSetup, InvokeMessage, LambdaError, MemoryProbeMessage } from "./protocol.ts";

/** A function as the stacks deploy it. */
export interface FunctionDefinition {
  /** The function's name; also the console's label. */
  readonly name: string;
  /** Absolute path (or `file:` URL) of the TypeScript or ESM entry, e.g. `packages/bff/src/lambda-api.ts`. */
  readonly entry: string;
  /** The exported handler; default `handler`. */
  readonly handler?: string;
  /**
   * The instance's whole `process.env`: the function's environment plus its
   * role's credentials. Lambda's own variables (`AWS_LAMBDA_FUNCTION_NAME`,
   * `AWS_REGION`, …) are added; nothing leaks in from the main process.
   */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Caps the instance's V8 heap, so a runaway handler dies as it would in Lambda. */
  readonly memoryMb: number;
  /** The most instances at once (Lambda's reserved concurrency); 0 throttles every call. */
  readonly maxConcurrency: number;
  /** An instance idle this long is retired. */
  readonly idleTimeoutMs: number;
  /** Lambda's init phase limit; default 10 s. */
  readonly initTimeoutMs?: number;
  /** For the ARN and `AWS_REGION`; default `env.AWS_REGION` or `us-east-1`. */
  readonly region?: string;
  readonly accountId?: string;
}

export interface InvokeOptions {
  /** Lambda's request id (`context.awsRequestId`); default a fresh UUID. */
  readonly requestId?: string;
}

interface Served {
  readonly requestId: string;
  readonly instanceId: number;
  readonly coldStart: boolean;
  /** From the handler's start to its answer; for an init failure, the init's duration. */
  readonly durationMs: number;
}

/**
 * How an invocation ended. `error` covers what Lambda reports as a function
 * error (the handler threw, the init failed, the runtime crashed or ran out
 * of memory); `timeout` is the function's timeout (`Sandbox.Timedout`);
 * `throttled` means no instance was free and the pool was at its limit.
 */
export type InvokeResult =
  | ({ readonly outcome: "success"; readonly payload: unknown } & Served)
  | ({ readonly outcome: "error" | "timeout"; readonly error: LambdaError } & Served)
  | { readonly outcome: "throttled"; readonly requestId: string };

export interface PoolStats {
  /** Cold starts, failed ones included. */
  readonly instancesStarted: number;
  /** The most instances alive at once. */
  readonly maxConcurrentInstances: number;
  /** Instances alive now. */
  readonly instances: number;
  /** Invocations each instance received, by instance id (retired instances included). */
  readonly invocationsPerInstance: Readonly<Record<number, number>>;
  readonly throttles: number;
  /** Invocations ended by the function's timeout or by the init limit. */
  readonly timeouts: number;
}

export interface FunctionPool {
  readonly name: string;
  /**
   * Runs the function once and resolves with its outcome, whatever the function did. Rejects only with
   * {@link FunctionPoolStoppedError}, or with the `DataCloneError` of an event that cannot reach the instance.
   */
  invoke(event: unknown, options?: InvokeOptions): Promise<InvokeResult>;
  /**
   * Starts `count` instances ahead of any call, as Lambda's provisioned
   * concurrency does: their init runs now, so the next calls are warm.
   * Resolves when all are ready; rejects with the first init failure.
   */
  provision(count: number): Promise<void>;
  /** Calls `listener` for every event; returns the unsubscribe function. */
  onEvent(listener: (event: PoolEvent) => void): () => void;
  stats(): PoolStats;
  /**
   * The memory of each idle (warm) instance, asked between invocations; busy and starting instances are skipped.
   * With `collect`, each instance first runs a full garbage collection.
   */
  memory(options?: { collect?: boolean }): Promise<InstanceMemory[]>;
  /** Terminates every instance; pending and later invocations reject with {@link FunctionPoolStoppedError}. */
  stop(): Promise<void>;
}

/** Thrown by `invoke()` for an invocation the pool's `stop()` cut short or refused. */
export class FunctionPoolStoppedError extends Error {
  override readonly name = "FunctionPoolStoppedError";
  constructor(functionName: string) {
    super(`The function pool "${functionName}" is stopped`);
  }
}

/** The worker's first module: registers tsx, then imports `instance.ts`. */
const bootstrapUrl = new URL("./instance-bootstrap.mjs", import.meta.url);

interface Pending {
  readonly requestId: string;
  readonly event: unknown;
  readonly resolve: (result: InvokeResult) => void;
  readonly reject: (error: Error) => void;
}

interface Instance {
  readonly id: number;
  readonly worker: Worker;
  readonly spawnedAt: number;
  gone: boolean;
  invocations: number;
  current?: { pending: Pending; startedAt: number; coldStart: boolean; timer: NodeJS.Timeout };
  /** The invocation waiting for this instance's init, or (provisioned) the caller waiting for it to be ready. */
  starting?: { pending?: Pending; provisioned?: { resolve(): void; reject(error: Error): void }; timer: NodeJS.Timeout };
  idleTimer?: NodeJS.Timeout;
  /** Callers waiting for this instance's answer to a memory probe. */
  probes: Array<(memory: InstanceMemory | undefined) => void>;
}

/** Lambda's log stream name: `2025/01/31/[$LATEST]<32 hex>`, one per execution environment. */
function logStreamName(now: Date): string {
  const day = now.toISOString().slice(0, 10).replaceAll("-", "/");
  return `${day}/[$LATEST]${randomBytes(16).toString("hex")}`;
}

function checkDefinition(definition: FunctionDefinition): void {
  const positive = (value: number, name: string) => {
    if (!(Number.isFinite(value) && value > 0)) throw new TypeError(`"${name}" must be a positive number`);
  };
  if (!definition.name) throw new TypeError('"name" must be a non-empty string');
  if (!(definition.entry.startsWith("file:") || isAbsolute(definition.entry))) {
    throw new TypeError('"entry" must be an absolute path or a file: URL');
  }
  positive(definition.timeoutMs, "timeoutMs");
  positive(definition.memoryMb, "memoryMb");
  positive(definition.idleTimeoutMs, "idleTimeoutMs");
  if (definition.initTimeoutMs !== undefined) positive(definition.initTimeoutMs, "initTimeoutMs");
  if (!(Number.isInteger(definition.maxConcurrency) && definition.maxConcurrency >= 0)) {
    throw new TypeError('"maxConcurrency" must be a non-negative integer');
  }
}

/** `Task timed out after 3.00 seconds`, as Lambda reports a function timeout. */
function timedOut(requestId: string, ms: number): LambdaError {
  return {
    errorType: "Sandbox.Timedout",
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${(ms / 1000).toFixed(2)} seconds`,
    trace: [],
  };
}

/** A worker that died: out of its heap (Lambda's `Runtime.OutOfMemory`), an uncaught error, or `process.exit()`. */
function crashed(requestId: string, cause: Error | number): LambdaError {
  if (typeof cause === "number") {
    return {
      errorType: "Runtime.ExitError",
      errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: exit status ${cause}`,
      trace: [],
    };
  }
  if ((cause as NodeJS.ErrnoException).code === "ERR_WORKER_OUT_OF_MEMORY") {
    return {
      errorType: "Runtime.OutOfMemory",
      errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`,
      trace: [],
    };
  }
  return { errorType: cause.name, errorMessage: cause.message, trace: cause.stack?.split("\n") ?? [] };
}

/**
 * Creates the pool of one function. Nothing starts until the first
 * invocation: as in Lambda, the first call is a cold start.
 *
 * @example
 * const pool = createFunctionPool({
 *   name: "bff-api",
 *   entry: join(repoRoot, "packages/bff/src/lambda-api.ts"),
 *   env: bffEnv,
 *   timeoutMs: 15_000,
 *   memoryMb: 512,
 *   maxConcurrency: 10,
 *   idleTimeoutMs: 5 * 60_000,
 * });
 * pool.onEvent((event) => console.log(formatPoolEvent(event)));
 * const result = await pool.invoke(functionUrlEvent);
 */
export function createFunctionPool(definition: FunctionDefinition): FunctionPool {
  checkDefinition(definition);
  const name = definition.name;
  const entryUrl = definition.entry.startsWith("file:") ? definition.entry : pathToFileURL(definition.entry).href;
  const region = definition.region ?? definition.env.AWS_REGION ?? "us-east-1";
  const invokedFunctionArn = `arn:aws:lambda:${region}:${definition.accountId ?? "123456789012"}:function:${name}`;
  const initTimeoutMs = definition.initTimeoutMs ?? 10_000;

  const instances = new Set<Instance>();
  // Most recently used last: a warm call takes the instance that went idle last, so under light load
  // one instance keeps serving and the spare ones reach their idle time and retire.
  const idle: Instance[] = [];
  const terminating = new Set<Promise<unknown>>();
  const listeners = new Set<(event: PoolEvent) => void>();
  const invocationsPerInstance: Record<number, number> = {};
  let nextId = 1;
  let maxConcurrentInstances = 0;
  let throttles = 0;
  let timeouts = 0;
  let stopped = false;

  const emit = (event: PoolEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A failing console printer must not break the pool's bookkeeping.
      }
    }
  };

  const discard = (instance: Instance, reason: RetireReason) => {
    if (instance.gone) return;
    instance.gone = true;
    for (const probe of instance.probes.splice(0)) probe(undefined);
    instances.delete(instance);
    const at = idle.indexOf(instance);
    if (at >= 0) idle.splice(at, 1);
    clearTimeout(instance.idleTimer);
    clearTimeout(instance.current?.timer);
    clearTimeout(instance.starting?.timer);
    const termination = instance.worker
      .terminate()
      .catch(() => undefined)
      .finally(() => terminating.delete(termination));
    terminating.add(termination);
    emit({ type: "retired", functionName: name, instanceId: instance.id, reason, invocations: instance.invocations });
  };

  const becomeIdle = (instance: Instance) => {
    idle.push(instance);
    instance.idleTimer = setTimeout(() => discard(instance, "idle"), definition.idleTimeoutMs);
    instance.idleTimer.unref();
  };

  const dispatch = (instance: Instance, pending: Pending, coldStart: boolean) => {
    instance.invocations += 1;
    invocationsPerInstance[instance.id] = instance.invocations;
    const startedAt = performance.now();
    const timer = setTimeout(() => {
      const durationMs = performance.now() - startedAt;
      instance.current = undefined;
      timeouts += 1;
      const error = timedOut(pending.requestId, definition.timeoutMs);
      emit({
        type: "invocation",
        functionName: name,
        instanceId: instance.id,
        requestId: pending.requestId,
        outcome: "timeout",
        durationMs,
        coldStart,
        errorType: error.errorType,
      });
      // Lambda resets the execution environment after a timeout: the next call is a cold start.
      discard(instance, "timeout");
      pending.resolve({ outcome: "timeout", error, requestId: pending.requestId, instanceId: instance.id, coldStart, durationMs });
    }, definition.timeoutMs);
    instance.current = { pending, startedAt, coldStart, timer };
    const message: InvokeMessage = {
      type: "invoke",
      requestId: pending.requestId,
      deadline: Date.now() + definition.timeoutMs,
      event: pending.event,
    };
    try {
      instance.worker.postMessage(message);
    } catch (error) {
      // An event that cannot be cloned is the caller's bug, not a function error.
      clearTimeout(timer);
      instance.current = undefined;
      becomeIdle(instance);
      pending.reject(error as Error);
    }
  };

  const finish = (instance: Instance, message: Extract<InstanceMessage, { type: "result" | "error" }>) => {
    const current = instance.current;
    if (!current || current.pending.requestId !== message.requestId) return;
    clearTimeout(current.timer);
    instance.current = undefined;
    const durationMs = performance.now() - current.startedAt;
    const served = { requestId: message.requestId, instanceId: instance.id, coldStart: current.coldStart, durationMs };
    const result: InvokeResult =
      message.type === "result"
        ? { outcome: "success", payload: message.payload, ...served }
        : { outcome: "error", error: message.error, ...served };
    emit({
      type: "invocation",
      functionName: name,
      ...served,
      outcome: result.outcome === "success" ? "success" : "error",
      ...(message.type === "error" ? { errorType: message.error.errorType } : {}),
    });
    becomeIdle(instance);
    current.pending.resolve(result);
  };

  const failInit = (instance: Instance, error: LambdaError, outcome: "error" | "timeout") => {
    const starting = instance.starting;
    if (!starting) return;
    instance.starting = undefined;
    clearTimeout(starting.timer);
    const initDurationMs = performance.now() - instance.spawnedAt;
    const requestId = starting.pending?.requestId ?? "";
    if (outcome === "timeout") timeouts += 1;
    emit({ type: "init-error", functionName: name, instanceId: instance.id, requestId, initDurationMs, errorType: error.errorType });
    discard(instance, outcome === "timeout" ? "timeout" : "init-error");
    starting.provisioned?.reject(Object.assign(new Error(error.errorMessage), { name: error.errorType }));
    starting.pending?.resolve({ outcome, error, requestId, instanceId: instance.id, coldStart: true, durationMs: initDurationMs });
  };

  const onMessage = (instance: Instance, message: InstanceMessage) => {
    if (instance.gone) return;
    switch (message.type) {
      case "ready": {
        const starting = instance.starting;
        if (!starting) return;
        instance.starting = undefined;
        clearTimeout(starting.timer);
        emit({ type: "cold-start", functionName: name, instanceId: instance.id, initDurationMs: performance.now() - instance.spawnedAt });
        if (starting.pending) dispatch(instance, starting.pending, true);
        else {
          becomeIdle(instance);
          starting.provisioned?.resolve();
        }
        return;
      }
      case "init-error":
        failInit(instance, message.error, "error");
        return;
      case "memory":
        instance.probes.shift()?.(message.memory);
        return;
      case "result":
      case "error":
        finish(instance, message);
        return;
    }
  };

  /** The worker died on its own: report it to the invocation it was serving, if any. */
  const onCrash = (instance: Instance, cause: Error | number) => {
    if (instance.gone) return;
    const current = instance.current;
    const requestId = current?.pending.requestId ?? instance.starting?.pending?.requestId ?? "";
    const error = crashed(requestId, cause);
    if (instance.starting) {
      failInit(instance, error, "error");
      return;
    }
    if (current) {
      clearTimeout(current.timer);
      instance.current = undefined;
      const durationMs = performance.now() - current.startedAt;
      const served = { requestId, instanceId: instance.id, coldStart: current.coldStart, durationMs };
      emit({ type: "invocation", functionName: name, ...served, outcome: "error", errorType: error.errorType });
      discard(instance, "crashed");
      current.pending.resolve({ outcome: "error", error, ...served });
      return;
    }
    discard(instance, "crashed");
  };

  const spawn = (starting: { pending: Pending } | { provisioned: { resolve(): void; reject(error: Error): void } }) => {
    const id = nextId++;
    const stream = logStreamName(new Date());
    const setup: InstanceSetup = {
      entryUrl,
      handlerName: definition.handler ?? "handler",
      functionName: name,
      memoryLimitInMB: String(definition.memoryMb),
      invokedFunctionArn,
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: stream,
    };
    const worker = new Worker(bootstrapUrl, {
      workerData: setup,
      // Lambda's reserved variables win over the function's own, as Lambda does not let a function set them.
      env: {
        // The SDK's notice that it will need Node 22 concerns this machine's Node, not the nodejs22.x runtime the
        // instance stands for: told once by the platform's own process, not again by every cold start.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        ...definition.env,
        AWS_REGION: region,
        AWS_LAMBDA_FUNCTION_NAME: name,
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memoryMb),
        AWS_LAMBDA_LOG_GROUP_NAME: setup.logGroupName,
        AWS_LAMBDA_LOG_STREAM_NAME: stream,
      },
      // Not the main process's flags (vitest's, tsx's): the bootstrap registers what the instance needs.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: definition.memoryMb },
    });
    // An idle pool must not keep the process alive; an invocation in flight does, through its timer.
    worker.unref();
    const requestId = "pending" in starting ? starting.pending.requestId : "";
    const timer = setTimeout(() => failInit(instance, timedOut(requestId, initTimeoutMs), "timeout"), initTimeoutMs);
    const instance: Instance = {
      id,
      worker,
      spawnedAt: performance.now(),
      gone: false,
      invocations: 0,
      probes: [],
      starting: { ...starting, timer },
    };
    instances.add(instance);
    maxConcurrentInstances = Math.max(maxConcurrentInstances, instances.size);
    worker.on("message", (message: InstanceMessage) => onMessage(instance, message));
    worker.on("error", (error) => onCrash(instance, error));
    worker.on("exit", (code) => onCrash(instance, code));
  };

  return {
    name,
    invoke(event, options = {}) {
      if (stopped) return Promise.reject(new FunctionPoolStoppedError(name));
      const requestId = options.requestId ?? randomUUID();
      return new Promise<InvokeResult>((resolve, reject) => {
        const pending: Pending = { requestId, event, resolve, reject };
        const warm = idle.pop();
        if (warm) {
          clearTimeout(warm.idleTimer);
          dispatch(warm, pending, false);
          return;
        }
        if (instances.size >= definition.maxConcurrency) {
          // Lambda refuses at once past the reserved concurrency; it never queues a synchronous call.
          throttles += 1;
          emit({ type: "throttled", functionName: name, requestId, maxConcurrency: definition.maxConcurrency });
          resolve({ outcome: "throttled", requestId });
          return;
        }
        spawn({ pending });
      });
    },
    provision(count) {
      if (stopped) return Promise.reject(new FunctionPoolStoppedError(name));
      const ready: Promise<void>[] = [];
      for (let started = 0; started < count && instances.size < definition.maxConcurrency; started++) {
        ready.push(new Promise<void>((resolve, reject) => spawn({ provisioned: { resolve, reject } })));
      }
      return Promise.all(ready).then(() => undefined);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stats() {
      return {
        instancesStarted: nextId - 1,
        maxConcurrentInstances,
        instances: instances.size,
        invocationsPerInstance: { ...invocationsPerInstance },
        throttles,
        timeouts,
      };
    },
    async memory(options = {}) {
      const answers = idle.map(
        (instance) =>
          new Promise<InstanceMemory | undefined>((resolve) => {
            instance.probes.push((memory) => resolve(memory && { ...memory, instanceId: instance.id }));
            instance.worker.postMessage({ type: "memory", ...(options.collect ? { collect: true } : {}) } satisfies MemoryProbeMessage);
          }),
      );
      return (await Promise.all(answers)).filter((memory): memory is InstanceMemory => memory !== undefined);
    },
    async stop() {
      stopped = true;
      for (const instance of [...instances]) {
        const pending = instance.current?.pending ?? instance.starting?.pending;
        const provisioned = instance.starting?.provisioned;
        discard(instance, "stopped");
        pending?.reject(new FunctionPoolStoppedError(name));
        provisioned?.reject(new FunctionPoolStoppedError(name));
      }
      await Promise.all([...terminating]);
    },
  };
}
