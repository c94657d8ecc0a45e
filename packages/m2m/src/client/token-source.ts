import { isLoopbackUrl } from "@spa-bff/core";
import * as oidc from "openid-client";
import { M2mTokenError } from "./errors.ts";

/** A cached access token. */
interface CachedToken {
  accessToken: string;
  /** Epoch ms after which the token is no longer used. */
  renewAt: number;
}

/** Fetch-compatible function (openid-client's `customFetch` shape). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface TokenSourceOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  timeoutMs: number;
  fetch: FetchLike;
  /** Renew this many seconds before `expires_in` runs out. */
  skewSeconds: number;
  clock: () => number;
}

/** Client-credentials tokens, cached and single-flight. */
export interface TokenSource {
  /** A valid token: from the cache, or one shared request for all concurrent callers. */
  getToken(): Promise<string>;
  /** Drops the cached token if it is still this one (the API refused it). */
  invalidate(accessToken: string): void;
}

function describe(error: unknown): string {
  if (error instanceof oidc.ResponseBodyError) return `${error.error}${error.status ? ` (HTTP ${error.status})` : ""}`;
  if (error instanceof Error && error.name === "TimeoutError") return "timed out";
  if (error instanceof oidc.ClientError && error.code) return error.code;
  if (error instanceof Error && error.cause instanceof Error && error.cause.message) return error.cause.message;
  return error instanceof Error ? error.message : "unknown error";
}

/**
 * Creates the token source over openid-client. Plain http is allowed only
 * when the issuer is on loopback (the local IdP), decided from the URL.
 */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const timeoutSeconds = Math.max(1, Math.ceil(options.timeoutMs / 1000));
  const fetchWithTimeout: FetchLike = (url, init) =>
    options.fetch(url, {
      ...init,
      signal: init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(options.timeoutMs)]) : AbortSignal.timeout(options.timeoutMs),
    });

  let configuration: Promise<oidc.Configuration> | undefined;
  let cached: CachedToken | undefined;
  let inFlight: Promise<string> | undefined;

  const discover = (): Promise<oidc.Configuration> => {
    configuration ??= oidc
      .discovery(new URL(options.issuer), options.clientId, undefined, oidc.ClientSecretBasic(options.clientSecret), {
        [oidc.customFetch]: fetchWithTimeout,
        timeout: timeoutSeconds,
        ...(isLoopbackUrl(options.issuer) ? { execute: [oidc.allowInsecureRequests] } : {}),
      })
      .catch((error: unknown) => {
        configuration = undefined;
        throw new M2mTokenError(`Discovery of issuer "${options.issuer}" failed: ${describe(error)}`, { cause: error });
      });
    return configuration;
  };

  const requestToken = async (): Promise<string> => {
    const config = await discover();
    const endpoint = config.serverMetadata().token_endpoint ?? "(none)";
    let response: oidc.TokenEndpointResponse;
    try {
      response = await oidc.clientCredentialsGrant(config, { scope: options.scope });
    } catch (error) {
      throw new M2mTokenError(`Token request to "${endpoint}" failed: ${describe(error)}`, { cause: error });
    }
    const lifetimeSeconds = typeof response.expires_in === "number" ? response.expires_in : 300;
    const renewAt = options.clock() + Math.max(0, lifetimeSeconds - options.skewSeconds) * 1000;
    cached = { accessToken: response.access_token, renewAt };
    return response.access_token;
  };

  return {
    getToken() {
      if (cached && options.clock() < cached.renewAt) return Promise.resolve(cached.accessToken);
      inFlight ??= requestToken().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    invalidate(accessToken) {
      if (cached?.accessToken === accessToken) cached = undefined;
    },
  };
}
