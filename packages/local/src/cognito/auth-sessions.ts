import { createHash, randomBytes } from "node:crypto";

/** Why a `Session` string was refused. */
export type SessionRefusal = "expired" | "used";

export interface AuthSessionStore<T> {
  /** A new opaque `Session` for this state, valid once until `now + ttlMs`. */
  issue(state: T, ttlMs: number): string;
  /** Takes the state out (each `Session` works once). */
  take(session: string): { ok: true; state: T } | { ok: false; reason: SessionRefusal };
}

export interface AuthSessionStoreOptions {
  now: () => number;
  /** Random bytes per `Session`. Cognito's are about 1,500 characters; the default (1,152 bytes) gives 1,536 base64url characters. */
  bytes?: number;
}

/**
 * Cognito's `Session` strings: opaque, random, single-use, and expired after
 * the app client's auth session validity (3 minutes by default). Only their
 * SHA-256 is kept. A used one is remembered until it would have expired, so
 * a replay is told apart from an expired one, as Cognito does ("session can
 * only be used once" / "session is expired"); a string never issued reads as
 * expired. Their length is Cognito's, so the BFF's sealed sign-in cookie
 * carries the load it will carry in AWS.
 */
export function createAuthSessionStore<T>(options: AuthSessionStoreOptions): AuthSessionStore<T> {
  const bytes = options.bytes ?? 1152;
  const live = new Map<string, { state: T; expiresAt: number }>();
  const used = new Map<string, number>();
  const digest = (session: string) => createHash("sha256").update(session).digest("base64url");

  function sweep(now: number): void {
    for (const [key, entry] of live) if (entry.expiresAt <= now) live.delete(key);
    for (const [key, expiresAt] of used) if (expiresAt <= now) used.delete(key);
  }

  return {
    issue(state, ttlMs) {
      const now = options.now();
      sweep(now);
      const session = randomBytes(bytes).toString("base64url");
      live.set(digest(session), { state, expiresAt: now + ttlMs });
      return session;
    },
    take(session) {
      const now = options.now();
      const key = digest(session);
      const entry = live.get(key);
      if (entry) {
        live.delete(key);
        if (entry.expiresAt <= now) return { ok: false, reason: "expired" };
        used.set(key, entry.expiresAt);
        return { ok: true, state: entry.state };
      }
      const usedUntil = used.get(key);
      return { ok: false, reason: usedUntil !== undefined && usedUntil > now ? "used" : "expired" };
    },
  };
}
