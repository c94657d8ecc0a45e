import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";
import type { InvokeResult } from "./pool.ts";
import { toLambdaError } from "./protocol.ts";

/** How a front door (the edge, the gateway) calls a function: a pool, or one handler in this process. */
export type Invoke = (event: unknown, options?: { requestId?: string }) => Promise<InvokeResult>;

/**
 * A handler called in this process, with the pool's outcomes: for tests
 * that inject seams (a clock, a mocked KMS) that cannot cross into a worker.
 * There is one "instance" and no concurrency limit, timeout or isolation:
 * suites that need Lambda's behaviour use the pools.
 */
export function inProcess<E>(handler: (event: E, context: Context) => unknown, functionName = "in-process"): Invoke {
  return async (event, options = {}) => {
    const requestId = options.requestId ?? randomUUID();
    const startedAt = performance.now();
    const context = {
      awsRequestId: requestId,
      functionName,
      functionVersion: "$LATEST",
      getRemainingTimeInMillis: () => 30_000,
    } as unknown as Context;
    const served = { requestId, instanceId: 0, coldStart: false };
    try {
      const payload = await handler(event as E, context);
      return { outcome: "success", payload, ...served, durationMs: performance.now() - startedAt };
    } catch (error) {
      return { outcome: "error", error: toLambdaError(error), ...served, durationMs: performance.now() - startedAt };
    }
  };
}
