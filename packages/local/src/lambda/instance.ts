/**
 * One execution environment: runs inside a worker thread that the pool
 * started for it. Importing the entry here is the cold start (module scope,
 * top-level await, config validation), so every instance has its own module
 * graph; afterwards it runs one invocation at a time, as the pool sends them.
 */
import { basename, extname } from "node:path";
import { fileURLToPath } from "node:url";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { parentPort, workerData } from "node:worker_threads";
import type { Context } from "aws-lambda";
import {
  type InstanceMessage,
  type InstanceSetup,
  type InvokeMessage,
  type LambdaError,
  type MemoryProbeMessage,
  toLambdaError,
} from "./protocol.ts";

type Handler = (event: unknown, context: Context) => unknown;

const setup = workerData as InstanceSetup;
const port = parentPort;
if (!port) throw new Error("instance.ts runs only in a worker thread started by createFunctionPool");

/**
 * Init failures as the Node.js runtime names them: a syntax error is
 * `Runtime.UserCodeSyntaxError`, a module that cannot be found
 * `Runtime.ImportModuleError`; anything thrown at module scope (a
 * `ConfigError`) keeps its own name. The runtime checks the CommonJS code
 * only; the ESM code is mapped too because locally the entry is TypeScript
 * loaded as ESM, where a wrong import path has that code.
 *
 * @see https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/blob/main/src/function/module-loader.ts
 */
function toInitError(error: unknown): LambdaError {
  const code = (error as { code?: unknown } | null)?.code;
  const trace = error instanceof Error ? (error.stack?.split("\n") ?? []) : [];
  if (error instanceof SyntaxError) return { errorType: "Runtime.UserCodeSyntaxError", errorMessage: String(error), trace };
  if (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") {
    return { errorType: "Runtime.ImportModuleError", errorMessage: String(error), trace };
  }
  return toLambdaError(error);
}

/** The handler export, or `Runtime.HandlerNotFound` worded as Lambda words it (`lambda-api.handler is undefined or not exported`). */
async function loadHandler(): Promise<Handler> {
  const module = (await import(setup.entryUrl)) as Record<string, unknown>;
  const file = fileURLToPath(setup.entryUrl);
  const handlerString = `${basename(file, extname(file))}.${setup.handlerName}`;
  const fallback = module.default as Record<string, unknown> | undefined;
  const handler = module[setup.handlerName] ?? fallback?.[setup.handlerName];
  const notFound = (message: string) => Object.assign(new Error(message), { name: "Runtime.HandlerNotFound" });
  if (handler === undefined || handler === null) throw notFound(`${handlerString} is undefined or not exported`);
  if (typeof handler !== "function") throw notFound(`${handlerString} is not a function`);
  return handler as Handler;
}

/** Lambda's context object; the deadline comes from the pool, which enforces it. */
function createContext(message: InvokeMessage): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: setup.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: setup.invokedFunctionArn,
    memoryLimitInMB: setup.memoryLimitInMB,
    awsRequestId: message.requestId,
    logGroupName: setup.logGroupName,
    logStreamName: setup.logStreamName,
    // As the runtime does: not clamped, so a handler past its deadline sees a negative number.
    getRemainingTimeInMillis: () => message.deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function post(message: InstanceMessage): void {
  try {
    port?.postMessage(message);
  } catch (error) {
    // A result that cannot be cloned (a function, a socket): Lambda fails to serialize such a result too.
    if (message.type !== "result") throw error;
    const unserializable: LambdaError = {
      errorType: "Runtime.JSONStringifyError",
      errorMessage: "Unable to stringify response body",
      trace: [],
    };
    port?.postMessage({ type: "error", requestId: message.requestId, error: unserializable } satisfies InstanceMessage);
  }
}

async function invoke(handler: Handler, message: InvokeMessage): Promise<void> {
  try {
    const payload = await handler(message.event, createContext(message));
    post({ type: "result", requestId: message.requestId, payload });
  } catch (error) {
    post({ type: "error", requestId: message.requestId, error: toLambdaError(error) });
  }
}

/** A full GC in this instance's isolate: the V8 flag set at run time, then `gc` from a fresh context (no `--expose-gc` in a worker). */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

function memoryOf() {
  const heap = getHeapStatistics();
  const usage = process.memoryUsage();
  return {
    usedHeapBytes: heap.used_heap_size,
    totalHeapBytes: heap.total_heap_size,
    heapLimitBytes: heap.heap_size_limit,
    externalBytes: usage.external,
    arrayBuffersBytes: usage.arrayBuffers,
    processRssBytes: usage.rss,
  };
}

let handler: Handler | undefined;
try {
  handler = await loadHandler();
} catch (error) {
  // The pool discards this instance; the next invocation is a new cold start.
  post({ type: "init-error", error: toInitError(error) });
}
const loaded = handler;
// Listening also keeps a failed instance alive until the pool terminates it, so its exit never overtakes the init error.
port.on("message", (message: InvokeMessage | MemoryProbeMessage) => {
  if (message.type === "memory") {
    if (message.collect) collectGarbage();
    post({ type: "memory", memory: memoryOf() });
  } else if (loaded) void invoke(loaded, message);
});
if (loaded) post({ type: "ready" });
