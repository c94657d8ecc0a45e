import type {
  CreateAuthChallengeTriggerEvent,
  DefineAuthChallengeTriggerEvent,
  PreTokenGenerationV2TriggerEvent,
  VerifyAuthChallengeResponseTriggerEvent,
} from "aws-lambda";
import { CognitoMessages, CognitoServiceError } from "./errors.ts";

/** The user-pool Lambda triggers the local Cognito runs. */
export type TriggerName = "DefineAuthChallenge" | "CreateAuthChallenge" | "VerifyAuthChallengeResponse" | "PreTokenGeneration";

/** The event each trigger receives (the pre-token one in its version 2 shape, `V2_0`). */
export interface TriggerEventMap {
  DefineAuthChallenge: DefineAuthChallengeTriggerEvent;
  CreateAuthChallenge: CreateAuthChallengeTriggerEvent;
  VerifyAuthChallengeResponse: VerifyAuthChallengeResponseTriggerEvent;
  PreTokenGeneration: PreTokenGenerationV2TriggerEvent;
}

/**
 * Runs one trigger and resolves with the event it returned, as Lambda would
 * (the lead routes this through a pool of Lambda instances; tests pass the
 * in-process handlers through {@link createInProcessTriggers}). A rejection
 * is the function's error; its message reaches the caller in
 * `UserLambdaValidationException`, as Cognito reports it.
 */
export type InvokeTrigger = <N extends TriggerName>(name: N, event: TriggerEventMap[N]) => Promise<TriggerEventMap[N]>;

/** A user pool's `LambdaConfig` as the local Cognito sees it: which triggers exist, and how to run them. */
export interface CognitoTriggers {
  readonly invokeTrigger: InvokeTrigger;
  /** The triggers the pool has. `PreTokenGeneration` is always sent the `V2_0` event. */
  readonly configured: readonly TriggerName[];
}

/** In-process handlers by trigger name, e.g. from `@spa-bff/auth-challenge`. */
export type TriggerHandlers = { readonly [N in TriggerName]?: (event: TriggerEventMap[N]) => Promise<TriggerEventMap[N]> };

/**
 * Triggers run in this process: the pool has exactly the handlers given.
 *
 * @example
 * const triggers = createInProcessTriggers({
 *   DefineAuthChallenge: createDefineAuthChallenge(),
 *   CreateAuthChallenge: createCreateAuthChallenge({ sender: mailbox }),
 *   VerifyAuthChallengeResponse: createVerifyAuthChallenge(),
 * });
 */
export function createInProcessTriggers(handlers: TriggerHandlers): CognitoTriggers {
  const configured = (Object.keys(handlers) as TriggerName[]).filter((name) => handlers[name] !== undefined);
  const invokeTrigger: InvokeTrigger = async (name, event) => {
    const handler = handlers[name] as ((event: TriggerEventMap[typeof name]) => Promise<TriggerEventMap[typeof name]>) | undefined;
    if (!handler) throw new Error(`No ${name} handler`);
    return handler(event);
  };
  return { invokeTrigger, configured };
}

/** Cognito's common trigger fields. */
export interface TriggerContext {
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  /** Derived from the caller's SDK user agent, as Cognito reports it (`aws-sdk-unknown-unknown` when it cannot tell). */
  readonly awsSdkVersion: string;
}

/** The fields every trigger event shares (`version` is "1", or "2" for the `V2_0` pre-token event). */
export function commonFields(context: TriggerContext, userName: string, version: "1" | "2" = "1") {
  return {
    version,
    region: context.region,
    userPoolId: context.userPoolId,
    userName,
    callerContext: { awsSdkVersion: context.awsSdkVersion, clientId: context.clientId },
  };
}

/** `awsSdkVersion` from the SDK's `x-amz-user-agent` (`aws-sdk-js/3.1168.0` → `aws-sdk-js-3.1168.0`). */
export function awsSdkVersionOf(userAgent: string | undefined): string {
  const match = /(?:^|\s)aws-sdk-([A-Za-z0-9]+)\/([0-9A-Za-z.+-]+)/.exec(userAgent ?? "");
  return match ? `aws-sdk-${match[1]}-${match[2]}` : "aws-sdk-unknown-unknown";
}

/**
 * Invokes a trigger across a JSON boundary, like Lambda: the handler gets a
 * copy and what it returns is re-read as JSON, so it can never reach the
 * pool's own state. A throw becomes Cognito's
 * `UserLambdaValidationException: <Trigger> failed with error <message>.`;
 * a result that is not an object, Cognito's `InvalidLambdaResponseException`.
 */
export async function callTrigger<N extends TriggerName>(
  invoke: InvokeTrigger,
  name: N,
  event: TriggerEventMap[N],
): Promise<TriggerEventMap[N]> {
  let result: unknown;
  try {
    result = await invoke(name, JSON.parse(JSON.stringify(event)) as TriggerEventMap[N]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CognitoServiceError("UserLambdaValidationException", `${name} failed with error ${message.slice(0, 200)}.`);
  }
  const copy: unknown = result === undefined ? undefined : JSON.parse(JSON.stringify(result));
  if (typeof copy !== "object" || copy === null || typeof (copy as { response?: unknown }).response !== "object") {
    throw invalidLambdaResponse();
  }
  return copy as TriggerEventMap[N];
}

export function invalidLambdaResponse(): CognitoServiceError {
  return new CognitoServiceError("InvalidLambdaResponseException", CognitoMessages.unrecognizableLambdaOutput);
}

/** A `{ string: string }` map from a trigger, or `undefined` when it is something else. */
export function stringMap(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.every(([, item]) => typeof item === "string")) return undefined;
  return Object.fromEntries(entries) as Record<string, string>;
}
