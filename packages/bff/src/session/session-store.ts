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
  /** A token refresh in progress on some instance: until when (epoch seconds) and by whom. */
  lease?: RefreshLease;
}

/** The claim one instance takes on a session's refresh, so the others wait for its tokens instead of refreshing again. */
export interface RefreshLease {
  /** Epoch seconds after which the lease is void (its holder may have died). */
  until: number;
  /** A random id of the holder's refresh attempt. */
  owner: string;
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
   * Takes the refresh lease, if the record is still at `version`, alive at
   * `now`, and holds no lease that is still in force at `now`; `false` when
   * another instance holds it or the record moved on.
   */
  takeLease(pk: string, version: number, lease: RefreshLease, now: number): Promise<boolean>;
  /** Gives a lease back (a refresh that failed without new tokens), if `owner` still holds it. */
  releaseLease(pk: string, owner: string): Promise<void>;
  /**
   * Replaces the sealed tokens, bumps the version and clears any lease, if
   * the record is still at `version`, neither deadline has passed at `now`,
   * and either `leaseOwner` holds the lease or (without one) no lease is in
   * force; the record as written, or `undefined` when the condition failed.
   */
  replaceTokens(pk: string, version: number, tokens: string, now: number, leaseOwner?: string): Promise<StoredSession | undefined>;
  /** Slides the idle deadline (no version bump) if still at `version` and not idle-expired at `now`; `false` when the condition failed. */
  touch(pk: string, version: number, update: TouchUpdate, now: number): Promise<boolean>;
  /** Deletes the record; with `version`, only while it is at that version. `false` when the condition failed. */
  remove(pk: string, version?: number): Promise<boolean>;
}
