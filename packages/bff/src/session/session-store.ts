import type { SessionUser } from "./types.ts";

/** A session as stored: claims in clear, tokens only sealed (aad = the raw session id). */
export interface StoredSession {
  /** The SHA-256 of the session id (the raw id is never stored). */
  pk: string;
  user: SessionUser;
  /** The sealed `TokenSet`. */
  tokens: string;
  createdAt: number;
  touchedAt: number;
  idleExpiresAt: number;
  absoluteExpiresAt: number;
  /** Optimistic-concurrency version; every write of tokens requires the version read and bumps it. */
  version: number;
}

/** The new deadlines and sweep time of a touch. */
export interface TouchUpdate {
  touchedAt: number;
  idleExpiresAt: number;
  ttl: number;
}

/**
 * Raw session storage: reads and conditional writes of {@link StoredSession}
 * records, nothing else (no sealing, no expiry rules: those live in
 * session-rules.ts and sessions.ts). DynamoDB in every deployed function
 * (dynamo-session-store.ts); an in-memory store with the same conditions for
 * unit tests. Faults throw `SessionStoreError`; a failed condition is a
 * result, never an exception.
 */
export interface SessionStore {
  /** The record, read strongly consistent, or `undefined`. */
  get(pk: string): Promise<StoredSession | undefined>;
  /** Writes a new record unless its key exists; `false` on a collision. */
  insert(record: StoredSession): Promise<boolean>;
  /**
   * Replaces the sealed tokens and bumps the version, if the record is still
   * at `version` and neither deadline has passed at `now`; the record as
   * written, or `undefined` when the condition failed.
   */
  replaceTokens(pk: string, version: number, tokens: string, now: number): Promise<StoredSession | undefined>;
  /** Slides the idle deadline (no version bump) if still at `version` and not idle-expired at `now`; `false` when the condition failed. */
  touch(pk: string, version: number, update: TouchUpdate, now: number): Promise<boolean>;
  /** Deletes the record; with `version`, only while it is at that version. `false` when the condition failed. */
  remove(pk: string, version?: number): Promise<boolean>;
}
