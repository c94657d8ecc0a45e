import type { AuthorizerGrant } from "./policy.ts";

/**
 * What API Gateway remembers per identity-source value. A cached grant is
 * re-evaluated against each later request's own method ARN, which is why a
 * policy that allows only the first method ARN breaks the next route.
 *
 * Cached outcomes: the policy the authorizer returned (Allow or Deny
 * statements alike, as AWS documents: "API Gateway caches the returned
 * policy") and the `Unauthorized` rejection, which API Gateway also serves
 * from the cache for the same token until the TTL ends. Authorizer failures
 * (500s) are not results and are never cached.
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/configure-api-gateway-lambda-authorization.html
 */
export type CachedOutcome = { readonly kind: "grant"; readonly grant: AuthorizerGrant } | { readonly kind: "unauthorized" };

export interface AuthorizerCache {
  get(key: string): CachedOutcome | undefined;
  set(key: string, outcome: CachedOutcome): void;
  readonly size: number;
  clear(): void;
}

export interface AuthorizerCacheOptions {
  /** 0 turns the cache off, as `authorizerResultTtlInSeconds: 0` does. */
  readonly ttlSeconds: number;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
  /** Bound on entries so a flood of distinct tokens cannot grow memory without end. */
  readonly maxEntries?: number;
}

/**
 * A TTL cache keyed by the identity-source value (the Authorization header).
 *
 * @example
 * const cache = createAuthorizerCache({ ttlSeconds: 300, clock: Date.now });
 */
export function createAuthorizerCache(options: AuthorizerCacheOptions): AuthorizerCache {
  if (!Number.isFinite(options.ttlSeconds) || options.ttlSeconds < 0 || options.ttlSeconds > 3600) {
    throw new TypeError(`"cacheTtlSeconds" must be between 0 and 3600 (API Gateway's limit), got ${options.ttlSeconds}`);
  }
  const ttlMs = options.ttlSeconds * 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, { outcome: CachedOutcome; expiresAt: number }>();
  return {
    get(key) {
      if (ttlMs === 0) return undefined;
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (options.clock() >= entry.expiresAt) {
        entries.delete(key);
        return undefined;
      }
      return entry.outcome;
    },
    set(key, outcome) {
      if (ttlMs === 0) return;
      entries.delete(key);
      if (entries.size >= maxEntries) {
        // Map iteration is insertion order, so the first key is the oldest entry.
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
      entries.set(key, { outcome, expiresAt: options.clock() + ttlMs });
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
    },
  };
}
