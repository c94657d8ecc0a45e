import { isAllowedServiceUrl } from "@spa-bff/core";
import { M2mApiError, M2mApiTimeoutError } from "./errors.ts";
import { createTokenSource, type FetchLike } from "./token-source.ts";

/** Options of {@link createM2mClient}. */
export interface M2mClientOptions {
  /** OIDC issuer (discovery); https, or http on loopback. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes to request, e.g. "items/read". */
  scope: string;
  /** The API base URL including the stage path, e.g. http://127.0.0.1:3002/local. */
  apiBaseUrl: string;
  /** Per-request timeout for the token endpoint and the API (default 8000). */
  timeoutMs?: number;
  /** Fetch implementation (tests, proxies). Default: the global fetch. */
  fetch?: FetchLike;
  /** Renew the token this many seconds before it expires (default 30). */
  refreshSkewSeconds?: number;
  /** Epoch-ms clock, for tests. */
  clock?: () => number;
}

/** An API answer: its status and its body (parsed JSON, or text). */
export interface M2mResponse {
  status: number;
  body: unknown;
}

/** A machine-to-machine client of the private API. */
export interface M2mClient {
  /**
   * Calls the API with a machine token. A 401 is retried once with a fresh
   * token; other statuses are returned as they are.
   *
   * @throws M2mTokenError when no token could be obtained
   * @throws M2mApiError when the API did not answer (network error), M2mApiTimeoutError when not in time
   */
  request(method: string, path: string, body?: unknown): Promise<M2mResponse>;
}

/**
 * Creates a client-credentials client: the token is cached until shortly
 * before `expires_in`, concurrent calls share one token request, and a 401
 * from the API triggers exactly one retry with a fresh token.
 *
 * @example
 * const client = createM2mClient({ issuer, clientId, clientSecret, scope: "items/read", apiBaseUrl });
 * const { status, body } = await client.request("GET", "/items");
 */
export function createM2mClient(options: M2mClientOptions): M2mClient {
  if (!isAllowedServiceUrl(options.issuer)) throw new TypeError('"issuer" must be an https URL (http only on loopback)');
  if (!isAllowedServiceUrl(options.apiBaseUrl)) throw new TypeError('"apiBaseUrl" must be an https URL (http only on loopback)');
  if (options.clientId === "" || options.clientSecret === "")
    throw new TypeError('"clientId" and "clientSecret" must be non-empty strings');
  const timeoutMs = options.timeoutMs ?? 8000;
  const fetchImpl: FetchLike = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const tokens = createTokenSource({
    issuer: options.issuer,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    scope: options.scope,
    timeoutMs,
    fetch: fetchImpl,
    skewSeconds: options.refreshSkewSeconds ?? 30,
    clock: options.clock ?? Date.now,
  });
  const base = options.apiBaseUrl.replace(/\/+$/, "");

  const call = async (method: string, path: string, token: string, body: unknown): Promise<M2mResponse> => {
    const url = `${base}${path}`;
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method,
        headers,
        redirect: "error",
        signal: AbortSignal.timeout(timeoutMs),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      if (error instanceof Error && error.name === "TimeoutError") {
        throw new M2mApiTimeoutError(`API request ${method} ${url} timed out after ${timeoutMs} ms`, { cause: error });
      }
      throw new M2mApiError(`API request ${method} ${url} failed`, { cause: error });
    }
    const text = await response.text();
    const isJson = /^application\/(.+\+)?json/i.test(response.headers.get("content-type") ?? "");
    let parsed: unknown = text;
    if (isJson && text !== "") {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, body: parsed };
  };

  return {
    async request(method, path, body) {
      if (!path.startsWith("/") || path.startsWith("//")) throw new TypeError('"path" must start with a single "/"');
      const verb = method.toUpperCase();
      const token = await tokens.getToken();
      const first = await call(verb, path, token, body);
      if (first.status !== 401) return first;
      // The token may have been revoked or the keys rotated: one fresh token, one retry.
      tokens.invalidate(token);
      return call(verb, path, await tokens.getToken(), body);
    },
  };
}
