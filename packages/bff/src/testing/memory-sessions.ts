/**
 * Test support (not exported): an in-memory double of the session layer's
 * `SessionService` that keeps its contract (fresh random ids, expiry on
 * read, touch throttling, version-conditional token updates), so the HTTP
 * layer's unit tests run without DynamoDB. Integration tests use the real one.
 */
import { randomBytes } from "node:crypto";
import { SessionStoreError } from "@spa-bff/core";
import type { Session, SessionPolicy, SessionService, TokenSet, UpdateResult } from "../session/types.ts";

export interface MemorySessions extends SessionService {
  readonly items: Map<string, Session>;
  /** When set, every call throws `SessionStoreError`, as in a DynamoDB outage. */
  down: boolean;
}

export function createMemorySessions(
  policy: SessionPolicy = { idleSeconds: 1800, absoluteSeconds: 28800, touchIntervalSeconds: 300 },
): MemorySessions {
  const items = new Map<string, Session>();
  const live = (session: Session | undefined, now: number) =>
    session && now < session.idleExpiresAt && now < session.absoluteExpiresAt ? session : undefined;
  const store: MemorySessions = {
    items,
    down: false,
    async create(input, now) {
      check();
      const session: Session = {
        id: randomBytes(32).toString("base64url"),
        user: input.user,
        tokens: input.tokens,
        createdAt: now,
        touchedAt: now,
        idleExpiresAt: Math.min(now + policy.idleSeconds, now + policy.absoluteSeconds),
        absoluteExpiresAt: now + policy.absoluteSeconds,
        version: 1,
      };
      items.set(session.id, session);
      return session;
    },
    async get(id, now) {
      check();
      return live(items.get(id), now);
    },
    async touchIfDue(session, now) {
      check();
      if (now - session.touchedAt < policy.touchIntervalSeconds) return session;
      const current = items.get(session.id);
      if (!current || current.version !== session.version) return session;
      const touched = { ...current, touchedAt: now, idleExpiresAt: Math.min(now + policy.idleSeconds, current.absoluteExpiresAt) };
      items.set(session.id, touched);
      return touched;
    },
    async updateTokens(session, tokens: TokenSet, now): Promise<UpdateResult> {
      check();
      const current = items.get(session.id);
      if (!current || current.version !== session.version) return { ok: false, current: live(current, now) };
      const updated = { ...current, tokens, version: current.version + 1 };
      items.set(session.id, updated);
      return { ok: true, session: updated };
    },
    async delete(id) {
      check();
      items.delete(id);
    },
    async deleteAllForSub(sub) {
      check();
      let count = 0;
      for (const [id, session] of items) {
        if (session.user.sub === sub) {
          items.delete(id);
          count++;
        }
      }
      return count;
    },
  };
  function check() {
    if (store.down) throw new SessionStoreError();
  }
  return store;
}
