/**
 * Compile-only checks of the public API of `@spa-bff/m2m`: what a caller must
 * pass to createM2mClient, what request takes and answers, and the error
 * classes. Checked by `npm run typecheck`, never run.
 */
import type { AppError, AppErrorOptions, ErrorCode } from "@spa-bff/core";
import { expectTypeOf } from "vitest";
import {
  createM2mClient,
  type FetchLike,
  type M2mApiError,
  type M2mClient,
  type M2mClientOptions,
  type M2mResponse,
  M2mTokenError,
} from "./index.ts";

const options = {
  issuer: "http://127.0.0.1:3001",
  clientId: "local-m2m",
  clientSecret: "secret",
  scope: "items/read",
  apiBaseUrl: "http://127.0.0.1:3002/local",
} satisfies M2mClientOptions;

// The factory takes the options and gives a client.
expectTypeOf(createM2mClient).parameters.toEqualTypeOf<[options: M2mClientOptions]>();
expectTypeOf(createM2mClient).returns.toEqualTypeOf<M2mClient>();

// Five options are required; the seams (timeout, fetch, skew, clock) are optional.
type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T];
expectTypeOf<RequiredKeys<M2mClientOptions>>().toEqualTypeOf<"issuer" | "clientId" | "clientSecret" | "scope" | "apiBaseUrl">();
expectTypeOf<M2mClientOptions["timeoutMs"]>().toEqualTypeOf<number | undefined>();
expectTypeOf<M2mClientOptions["fetch"]>().toEqualTypeOf<FetchLike | undefined>();
expectTypeOf<M2mClientOptions["refreshSkewSeconds"]>().toEqualTypeOf<number | undefined>();
expectTypeOf<M2mClientOptions["clock"]>().toEqualTypeOf<(() => number) | undefined>();
expectTypeOf<FetchLike>().toEqualTypeOf<(url: string, init: RequestInit) => Promise<Response>>();

// request(method, path, body?) answers the status and the parsed body; a non-2xx status is an answer, not a throw.
expectTypeOf<M2mClient["request"]>().toEqualTypeOf<(method: string, path: string, body?: unknown) => Promise<M2mResponse>>();
expectTypeOf<M2mResponse>().toEqualTypeOf<{ status: number; body: unknown }>();
expectTypeOf<keyof M2mClient>().toEqualTypeOf<"request">();

// Failures are AppError classes with a stable code and status.
expectTypeOf<M2mTokenError>().toExtend<AppError>();
expectTypeOf<M2mApiError>().toExtend<AppError>();
expectTypeOf<M2mTokenError["code"]>().toEqualTypeOf<ErrorCode>();
expectTypeOf<M2mApiError["status"]>().toEqualTypeOf<number>();
expectTypeOf(M2mTokenError).constructorParameters.toEqualTypeOf<[message: string, options?: AppErrorOptions]>();
expectTypeOf<M2mTokenError["name"]>().toEqualTypeOf<"M2mTokenError">();
expectTypeOf<M2mApiError["name"]>().toEqualTypeOf<"M2mApiError">();

// The response body is unknown: callers must narrow it before use.
export async function useBody(client: M2mClient): Promise<number> {
  const { status, body } = await client.request("GET", "/items");
  // @ts-expect-error body is unknown until narrowed
  body.items;
  return status;
}

// @ts-expect-error clientSecret is required
export const noSecret = () => createM2mClient({ issuer: options.issuer, clientId: "c", scope: "s", apiBaseUrl: options.apiBaseUrl });

// @ts-expect-error apiBaseUrl is required
export const noBase = () => createM2mClient({ issuer: options.issuer, clientId: "c", clientSecret: "x", scope: "s" });

// @ts-expect-error options are checked for typos (scopes vs scope)
export const typo = () => createM2mClient({ ...options, scopes: "items/read" });

// @ts-expect-error the timeout is a number of milliseconds
export const textTimeout = () => createM2mClient({ ...options, timeoutMs: "8000" });

// @ts-expect-error request needs a method and a path
export const noPath = (client: M2mClient) => client.request("GET");

// @ts-expect-error the answer is a promise, not a response
export const notAwaited = (client: M2mClient): M2mResponse => client.request("GET", "/items");
