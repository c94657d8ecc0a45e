import { SessionStoreError } from "@spa-bff/core";
import type { SessionStore, StoredSession } from "../session/session-store.ts";

/** An in-memory {@link SessionStore} with DynamoDB's conditions, and a switch for outages. */
export interface MemorySessionStore extends SessionStore {
  /** The records by key, to inspect or age in a test. */
  readonly records: Map<string, StoredSession>;
  /** When set, every call throws `SessionStoreError`, as in a DynamoDB outage. */
  down: boolean;
}

/**
 * Test support: the session store's contract in memory (conditional insert,
 * version- and deadline-conditional writes), so the session rules and the
 * HTTP layer are unit-tested without DynamoDB. The DynamoDB store has its own
 * tests against dynalite.
 */
export function createMemorySessionStore(): MemorySessionStore {
  const records = new Map<string, StoredSession>();
  const copy = (record: StoredSession): StoredSession => ({
    ...record,
    user: { ...record.user },
    ...(record.lease ? { lease: { ...record.lease } } : {}),
  });
  const alive = (record: StoredSession, version: number, now: number) =>
    record.version === version && record.idleExpiresAt > now && record.absoluteExpiresAt > now;
  const store: MemorySessionStore = {
    records,
    down: false,
    async get(pk) {
      check();
      const record = records.get(pk);
      return record ? copy(record) : undefined;
    },
    async insert(record) {
      check();
      if (records.has(record.pk)) return false;
      records.set(record.pk, copy(record));
      return true;
    },
    async takeLease(pk, version, lease, now) {
      check();
      const current = records.get(pk);
      if (!current || !alive(current, version, now) || (current.lease && current.lease.until > now)) return false;
      records.set(pk, { ...current, lease: { ...lease } });
      return true;
    },
    async releaseLease(pk, owner) {
      check();
      const current = records.get(pk);
      if (current?.lease?.owner !== owner) return;
      const { lease: _released, ...rest } = current;
      records.set(pk, rest);
    },
    async replaceTokens(pk, version, tokens, now, leaseOwner) {
      check();
      const current = records.get(pk);
      if (!current || !alive(current, version, now)) return undefined;
      if (leaseOwner !== undefined ? current.lease?.owner !== leaseOwner : current.lease && current.lease.until > now) return undefined;
      const { lease: _cleared, ...rest } = current;
      const next = { ...rest, tokens, version: version + 1 };
      records.set(pk, next);
      return copy(next);
    },
    async touch(pk, version, update, now) {
      check();
      const current = records.get(pk);
      if (!current || current.version !== version || current.idleExpiresAt <= now) return false;
      records.set(pk, { ...current, touchedAt: update.touchedAt, idleExpiresAt: update.idleExpiresAt });
      return true;
    },
    async remove(pk, version) {
      check();
      const current = records.get(pk);
      if (version !== undefined && current?.version !== version) return false;
      records.delete(pk);
      return true;
    },
  };
  function check(): void {
    if (store.down) throw new SessionStoreError();
  }
  return store;
}
