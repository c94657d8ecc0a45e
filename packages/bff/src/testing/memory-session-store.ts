import { SessionStoreError } from "@spa-bff/core";
import { keyString, type SessionKey } from "../session/session-id.ts";
import type { SessionStore, StoredSession } from "../session/session-store.ts";

/** An in-memory {@link SessionStore} with DynamoDB's conditions, and a switch for outages. */
export interface MemorySessionStore extends SessionStore {
  /** The session records by `keyString(key)`, to inspect or age in a test. */
  readonly records: Map<string, StoredSession>;
  /** The record of a session key, as stored (no copy), or `undefined`. */
  record(key: SessionKey): StoredSession | undefined;
  /** When set, every call throws `SessionStoreError`, as in a DynamoDB outage. */
  down: boolean;
}

/**
 * Test support: the session store's contract in memory (conditional insert,
 * version- and deadline-conditional writes, links, markers, counters), so
 * the session rules and the HTTP layer are unit-tested without DynamoDB.
 * The DynamoDB store has its own tests against dynalite.
 */
export function createMemorySessionStore(): MemorySessionStore {
  const records = new Map<string, StoredSession>();
  const links = new Map<string, Map<string, SessionKey>>();
  const markers = new Map<string, number>();
  const counters = new Map<string, number>();
  const copy = (record: StoredSession): StoredSession => ({
    ...record,
    key: { ...record.key },
    user: { ...record.user },
    ...(record.lease ? { lease: { ...record.lease } } : {}),
  });
  const alive = (record: StoredSession, version: number, now: number) =>
    record.version === version && record.idleExpiresAt > now && record.absoluteExpiresAt > now;
  const store: MemorySessionStore = {
    records,
    down: false,
    record: (key) => records.get(keyString(key)),
    async get(key) {
      check();
      const record = records.get(keyString(key));
      return record ? copy(record) : undefined;
    },
    async listPartition(pk) {
      check();
      return [...records.values()].filter((record) => record.key.pk === pk).map(copy);
    },
    async insert(record) {
      check();
      const id = keyString(record.key);
      if (records.has(id)) return false;
      records.set(id, copy(record));
      return true;
    },
    async takeLease(key, version, lease, now) {
      check();
      const current = records.get(keyString(key));
      if (!current || !alive(current, version, now) || (current.lease && current.lease.until > now)) return false;
      records.set(keyString(key), { ...current, lease: { ...lease } });
      return true;
    },
    async releaseLease(key, owner) {
      check();
      const current = records.get(keyString(key));
      if (current?.lease?.owner !== owner) return;
      const { lease: _released, ...rest } = current;
      records.set(keyString(key), rest);
    },
    async replaceTokens(key, version, tokens, now, leaseOwner) {
      check();
      const current = records.get(keyString(key));
      if (!current || !alive(current, version, now)) return undefined;
      if (leaseOwner !== undefined ? current.lease?.owner !== leaseOwner : current.lease && current.lease.until > now) return undefined;
      const { lease: _cleared, ...rest } = current;
      const next = { ...rest, tokens, version: version + 1 };
      records.set(keyString(key), next);
      return copy(next);
    },
    async touch(key, version, update, now) {
      check();
      const current = records.get(keyString(key));
      if (!current || current.version !== version || current.idleExpiresAt <= now) return false;
      records.set(keyString(key), { ...current, touchedAt: update.touchedAt, idleExpiresAt: update.idleExpiresAt });
      return true;
    },
    async remove(key, version) {
      check();
      const current = records.get(keyString(key));
      if (version !== undefined && current?.version !== version) return false;
      records.delete(keyString(key));
      return true;
    },
    async linkIdpSession(idpSession, key) {
      check();
      const linked = links.get(idpSession) ?? new Map<string, SessionKey>();
      linked.set(keyString(key), { ...key });
      links.set(idpSession, linked);
    },
    async idpSessionLinks(idpSession) {
      check();
      return [...(links.get(idpSession)?.values() ?? [])].map((key) => ({ ...key }));
    },
    async unlinkIdpSession(idpSession, key) {
      check();
      links.get(idpSession)?.delete(keyString(key));
    },
    async rememberOnce(marker, until, now) {
      check();
      const remembered = markers.get(marker);
      if (remembered !== undefined && remembered > now) return false;
      markers.set(marker, until);
      return true;
    },
    async remember(marker, until) {
      check();
      markers.set(marker, until);
    },
    async remembers(marker, now) {
      check();
      return (markers.get(marker) ?? 0) > now;
    },
    async forget(marker) {
      check();
      markers.delete(marker);
    },
    async count(counter, limit) {
      check();
      const taken = counters.get(counter) ?? 0;
      if (taken >= limit) return false;
      counters.set(counter, taken + 1);
      return true;
    },
  };
  function check(): void {
    if (store.down) throw new SessionStoreError();
  }
  return store;
}
