import type { IdentifierHash } from "@spa-bff/core";

/** Who a sign-in attempt comes from: the user name typed and the client's address. */
export interface SignInAttempt {
  /** The user name as typed; counted case-insensitively. Only a keyed hash of it is stored. */
  user: string;
  /** The client IP (CloudFront's viewer address). Only a keyed hash of it is stored. */
  ip: string;
}

/** `limit` attempts per fixed window of `windowSeconds`; past it, attempts are refused until the window ends. */
export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
}

/** The three counters every attempt reserves a place in. */
export interface RateLimitPolicy {
  /** One user name from one address: the brake on guessing one account. */
  pair: RateLimitRule;
  /** One user name from every address together: a higher ceiling that slows a distributed guess. */
  user: RateLimitRule;
  /** One address over every user name: the brake on spraying one password over many accounts. */
  ip: RateLimitRule;
}

export type RateLimitScope = keyof RateLimitPolicy;

/**
 * 5 attempts per user name and address, 20 per user name from anywhere, and
 * 20 per address over all user names, in 15-minute windows.
 *
 * The trade-off: locking a user name after 5 failures from anywhere would let
 * anyone lock a real user out everywhere with five wrong passwords. So the
 * tight limit is per (user name, address) pair: the real user, from another
 * address, still signs in. The per-user ceiling is four times higher: an
 * attacker with many addresses gets at most 20 guesses per window, and must
 * spend all of them to lock the real user out for the rest of that window.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#protect-against-automated-attacks
 */
export const defaultRateLimitPolicy: RateLimitPolicy = {
  pair: { limit: 5, windowSeconds: 900 },
  user: { limit: 20, windowSeconds: 900 },
  ip: { limit: 20, windowSeconds: 900 },
};

/** The identifier of one counter's subject: user names case-insensitively (Cognito's default), addresses as they are. */
/** The identifier of one counter's subject, under the keyed hash, so the table holds no user name or address. */
export function subjectId(scope: RateLimitScope, attempt: SignInAttempt, hash: IdentifierHash): string {
  const user = attempt.user.trim().toLowerCase();
  const ip = attempt.ip.trim();
  const value = scope === "pair" ? `${user}\n${ip}` : scope === "user" ? user : ip;
  return `${scope}#${hash(scope, value)}`;
}

/** Start (epoch seconds) of the fixed window `now` falls in. */
export function windowStart(now: number, windowSeconds: number): number {
  return Math.floor(now / windowSeconds) * windowSeconds;
}

/** Seconds until the window `now` falls in ends (at least 1). */
export function secondsLeftInWindow(now: number, windowSeconds: number): number {
  return Math.max(1, windowStart(now, windowSeconds) + windowSeconds - now);
}

export function counterKey(scope: RateLimitScope, attempt: SignInAttempt, rule: RateLimitRule, now: number, hash: IdentifierHash): string {
  return `count#${subjectId(scope, attempt, hash)}#${windowStart(now, rule.windowSeconds)}`;
}
