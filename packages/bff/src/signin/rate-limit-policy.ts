import { hashId } from "@spa-bff/core";

/** Who an attempt is counted against. */
export interface RateLimitSubject {
  kind: "user" | "ip";
  /** The user name as typed, or the client IP. Only a hash of it is stored. */
  value: string;
}

/** One fixed-window rule: `limit` failures within `windowSeconds` lock the subject for `lockSeconds`. */
export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
  lockSeconds: number;
}

export interface RateLimitPolicy {
  user: RateLimitRule;
  ip: RateLimitRule;
}

/**
 * 5 failures per user or 20 per IP within 15 minutes lock that user name or
 * IP out for 15 minutes. The per-user limit slows guessing of one account;
 * the per-IP limit slows spraying one password over many accounts.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#protect-against-automated-attacks
 */
export const defaultRateLimitPolicy: RateLimitPolicy = {
  user: { limit: 5, windowSeconds: 900, lockSeconds: 900 },
  ip: { limit: 20, windowSeconds: 900, lockSeconds: 900 },
};

/**
 * User names count case-insensitively (Cognito's default), so "Alice" and
 * "alice " share one counter; the value is hashed so the table holds no
 * user names or IP addresses.
 */
export function subjectId(subject: RateLimitSubject): string {
  const value = subject.kind === "user" ? subject.value.trim().toLowerCase() : subject.value.trim();
  return `${subject.kind}#${hashId(value)}`;
}

/** Start (epoch seconds) of the fixed window `now` falls in. */
export function windowStart(now: number, windowSeconds: number): number {
  return Math.floor(now / windowSeconds) * windowSeconds;
}

export function counterKey(subject: RateLimitSubject, rule: RateLimitRule, now: number): string {
  return `count#${subjectId(subject)}#${windowStart(now, rule.windowSeconds)}`;
}

export function lockKey(subject: RateLimitSubject): string {
  return `lock#${subjectId(subject)}`;
}

/** The lock deadline a failure count earns, or `undefined` below the limit. */
export function lockAfterFailures(count: number, rule: RateLimitRule, now: number): number | undefined {
  return count >= rule.limit ? now + rule.lockSeconds : undefined;
}

/** A lock holds until its deadline, whether or not DynamoDB TTL has swept it yet. */
export function isLocked(lockedUntil: number | undefined, now: number): boolean {
  return lockedUntil !== undefined && lockedUntil > now;
}
