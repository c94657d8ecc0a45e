import type { SessionKey } from "./session-id.ts";
import type { SessionUser, SignInMethod } from "./types.ts";

/** A session as stored: claims and what the sessions list shows in clear, tokens only sealed (aad = its key). */
export interface StoredSession {
  key: SessionKey;
  /** The opaque handle the sessions list shows (never the id, never the key). */
  handle: string;
  user: SessionUser;
  /** The sealed `TokenSet`. */
  tokens: string;
  signInMethod: SignInMethod;
  device: string;
  /** The keyed hash of the IdP's session id, when the ID token had one. */
  idpSession?: string;
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
 * Raw storage of the sessions table: reads and conditional writes of
 * {@link StoredSession} records, plus the small items that live beside them
 * (IdP-session links, replay markers, fixed-window counters). No sealing
 * and no expiry rules: those live in session-rules.ts and sessions.ts.
 * DynamoDB in every deployed function (dynamo-session-store.ts); an
 * in-memory store with the same conditions for unit tests. Faults throw
 * `SessionStoreError`; a failed condition is a result, never an exception.
 */
export interface SessionStore {
  /** The record, read strongly consistent, or `undefined`. */
  get(key: SessionKey): Promise<StoredSession | undefined>;
  /**
   * Every record of one user's partition, read strongly consistent (a
   * session written before this call started is in the answer), whatever
   * its deadlines.
   */
  listPartition(pk: string): Promise<StoredSession[]>;
  /** Writes a new record unless its key exists; `false` on a collision. */
  insert(record: StoredSession): Promise<boolean>;
  /**
   * Takes the refresh lease, if the record is still at `version`, alive at
   * `now`, and holds no lease that is still in force at `now`; `false` when
   * another instance holds it or the record moved on.
   */
  takeLease(key: SessionKey, version: number, lease: RefreshLease, now: number): Promise<boolean>;
  /** Gives a lease back (a refresh that failed without new tokens), if `owner` still holds it. */
  releaseLease(key: SessionKey, owner: string): Promise<void>;
  /**
   * Replaces the sealed tokens, bumps the version and clears any lease, if
   * the record is still at `version`, neither deadline has passed at `now`,
   * and either `leaseOwner` holds the lease or (without one) no lease is in
   * force; the record as written, or `undefined` when the condition failed.
   */
  replaceTokens(key: SessionKey, version: number, tokens: string, now: number, leaseOwner?: string): Promise<StoredSession | undefined>;
  /** Slides the idle deadline (no version bump) if still at `version` and not idle-expired at `now`; `false` when the condition failed. */
  touch(key: SessionKey, version: number, update: TouchUpdate, now: number): Promise<boolean>;
  /** Deletes the record; with `version`, only while it is at that version. `false` when the condition failed. */
  remove(key: SessionKey, version?: number): Promise<boolean>;
  /** Records that the session at `key` belongs to the IdP session `idpSession` (a keyed hash), until `until`. */
  linkIdpSession(idpSession: string, key: SessionKey, until: number): Promise<void>;
  /** The sessions linked to an IdP session, read strongly consistent. */
  idpSessionLinks(idpSession: string): Promise<SessionKey[]>;
  /** Removes one link (its session is gone). */
  unlinkIdpSession(idpSession: string, key: SessionKey): Promise<void>;
  /**
   * Remembers `marker` until `until`, unless it is already remembered and
   * not yet past: `true` the first time, `false` for a repeat (a replayed
   * logout token), however many instances race.
   */
  rememberOnce(marker: string, until: number, now: number): Promise<boolean>;
  /** Remembers `marker` until `until`, whether or not it was remembered before. */
  remember(marker: string, until: number): Promise<void>;
  /** Whether `marker` is remembered and not yet past at `now`, read strongly consistent. */
  remembers(marker: string, now: number): Promise<boolean>;
  /** Forgets a marker (the work it guarded failed and may be retried). */
  forget(marker: string): Promise<void>;
  /**
   * Takes one place in the fixed-window counter `counter` that ends at
   * `until`, unless it holds `limit` already: `false` when full.
   */
  count(counter: string, limit: number, until: number): Promise<boolean>;
}
