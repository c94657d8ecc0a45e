/**
 * The messages between a function pool (main thread) and one instance (a
 * worker thread). Everything crosses as a structured clone, so the types hold
 * only data: events and results are the JSON-like payloads Lambda carries.
 */

/** An error as Lambda reports it in an invocation's response payload. */
export interface LambdaError {
  /** The error's `name` (`TypeError`, `ConfigError`), or a `Runtime.*` / `Sandbox.*` type set by the runtime. */
  readonly errorType: string;
  readonly errorMessage: string;
  /** The stack, one line per entry; empty when the runtime made the error up. */
  readonly trace: readonly string[];
}

/** What an instance learns once, at its cold start (`workerData`). */
export interface InstanceSetup {
  /** `file:` URL of the entry module. */
  readonly entryUrl: string;
  /** The export to call, `handler` by default. */
  readonly handlerName: string;
  readonly functionName: string;
  readonly memoryLimitInMB: string;
  readonly invokedFunctionArn: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

/** Pool → instance: run the handler once. */
export interface InvokeMessage {
  readonly type: "invoke";
  readonly requestId: string;
  /** Milliseconds since the epoch at which the pool ends the invocation; `getRemainingTimeInMillis()` counts down to it. */
  readonly deadline: number;
  readonly event: unknown;
}

/** Pool → instance, between invocations: report this instance's memory (the benchmark's memory per instance). */
export interface MemoryProbeMessage {
  readonly type: "memory";
  /** A full garbage collection first, so the figures are live memory (the soak's leak check). */
  readonly collect?: boolean;
}

/** One instance's memory: its own V8 heap (a worker thread has its own isolate) and the whole process's resident set. */
export interface InstanceMemory {
  /** The pool's id of the instance (set by the pool, not the instance). */
  readonly instanceId?: number;
  /** `v8.getHeapStatistics()` inside the instance. */
  readonly usedHeapBytes: number;
  readonly totalHeapBytes: number;
  readonly heapLimitBytes: number;
  /** `process.memoryUsage()` inside the instance: `external` and `arrayBuffers` are the isolate's; `rss` is the process's, shared by every thread. */
  readonly externalBytes: number;
  readonly arrayBuffersBytes: number;
  readonly processRssBytes: number;
}

/** Instance → pool. */
export type InstanceMessage =
  | { readonly type: "ready" }
  | { readonly type: "memory"; readonly memory: InstanceMemory }
  | { readonly type: "init-error"; readonly error: LambdaError }
  | { readonly type: "result"; readonly requestId: string; readonly payload: unknown }
  | { readonly type: "error"; readonly requestId: string; readonly error: LambdaError };

/**
 * An error in Lambda's shape. As the Node.js runtime does, `errorType` is the
 * error's `name` and anything thrown that is not an Error is reported by its
 * type (`string`, `object`).
 *
 * @see https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/blob/main/src/utils/error.ts (`formatError`)
 */
export function toLambdaError(error: unknown): LambdaError {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: error.stack?.split("\n") ?? [] };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}
