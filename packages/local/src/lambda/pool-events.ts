/**
 * What a function pool reports as it works, one event per state change, and
 * the console line for each (as `sst dev` shows its invocations). Lines carry
 * error types, never error messages: a message may quote a token.
 */

/** Why an instance left the pool. */
export type RetireReason = "idle" | "timeout" | "init-error" | "crashed" | "stopped";

export type PoolEvent =
  /** A new instance finished its init (module scope ran); the invocation that asked for it runs next. */
  | { readonly type: "cold-start"; readonly functionName: string; readonly instanceId: number; readonly initDurationMs: number }
  /** The init failed; the invocation that asked for the instance got the error. */
  | {
      readonly type: "init-error";
      readonly functionName: string;
      readonly instanceId: number;
      readonly requestId: string;
      readonly initDurationMs: number;
      readonly errorType: string;
    }
  /** The handler ran: it returned, threw (`error`) or passed the function's timeout (`timeout`). */
  | {
      readonly type: "invocation";
      readonly functionName: string;
      readonly instanceId: number;
      readonly requestId: string;
      readonly outcome: "success" | "error" | "timeout";
      readonly durationMs: number;
      readonly coldStart: boolean;
      readonly errorType?: string;
    }
  /** Every instance was busy and the pool was at its limit: refused at once. */
  | { readonly type: "throttled"; readonly functionName: string; readonly requestId: string; readonly maxConcurrency: number }
  | {
      readonly type: "retired";
      readonly functionName: string;
      readonly instanceId: number;
      readonly reason: RetireReason;
      readonly invocations: number;
    };

/**
 * One console line per event, e.g. `bff-api  #2  cold start 412 ms`,
 * `bff-api  #2  done 12 ms`, `bff-api  throttled (2 of 2 instances busy)`.
 * `nameWidth` pads the function name so several pools print in columns.
 *
 * @example
 * pool.onEvent((event) => console.log(formatPoolEvent(event, 10)));
 */
export function formatPoolEvent(event: PoolEvent, nameWidth = 0): string {
  const name = event.functionName.padEnd(nameWidth);
  const ms = (value: number) => `${Math.round(value)} ms`;
  switch (event.type) {
    case "cold-start":
      return `${name}  #${event.instanceId}  cold start ${ms(event.initDurationMs)}`;
    case "init-error":
      return `${name}  #${event.instanceId}  init failed ${event.errorType} after ${ms(event.initDurationMs)}`;
    case "invocation":
      if (event.outcome === "success") return `${name}  #${event.instanceId}  done ${ms(event.durationMs)}`;
      if (event.outcome === "timeout") return `${name}  #${event.instanceId}  timed out after ${ms(event.durationMs)}`;
      return `${name}  #${event.instanceId}  error ${event.errorType ?? "Error"} after ${ms(event.durationMs)}`;
    case "throttled":
      return `${name}  throttled (${event.maxConcurrency} of ${event.maxConcurrency} instances busy)`;
    case "retired":
      return `${name}  #${event.instanceId}  retired (${event.reason}, ${event.invocations} ${event.invocations === 1 ? "invocation" : "invocations"})`;
  }
}
