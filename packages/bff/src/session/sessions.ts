import { ConfigError, hashId, type Logger, SessionStoreError } from "@spa-bff/core";
import { EnvelopeError, toStoreError } from "./errors.ts";
import { generateSessionId, hashSessionId, isWellFormedSessionId } from "./session-id.ts";
import { decodeTokens, encodeTokens, isExpired, isValidPolicy, newStoredSession, plannedTouch, toSession } from "./session-rules.ts";
import type { SessionStore } from "./session-store.ts";
import type { Sealer, Session, SessionPolicy, SessionService, TokenSet } from "./types.ts";

export interface SessionsOptions {
  store: SessionStore;
  sealer: Sealer;
  policy: SessionPolicy;
  /** Source of new session ids; must give at least 128 bits of base64url. Defaults to 32 random bytes. */
  randomId?: () => string;
  /** Receives only event names, error class names and session-id hashes. */
  logger?: Pick<Logger, "warn">;
}

const createAttempts = 3;

/**
 * The sessions the routes use: {@link SessionStore} records, sealed with the
 * raw session id as AAD, under the rules of session-rules.ts. An unknown,
 * expired or tampered session is `undefined`; a store or key outage throws
 * `SessionStoreError` (503), so an outage never looks like a logout.
 *
 * @example
 * const sessions = createSessions({ store: createDynamoSessionStore({ client, tableName }), sealer, policy: config.session });
 * const session = await sessions.get(cookieValue, now);
 */
export function createSessions(options: SessionsOptions): SessionService {
  const { store, sealer, policy, logger } = options;
  if (!isValidPolicy(policy)) {
    throw new ConfigError('Invalid session policy: "idleSeconds", "absoluteSeconds" and "touchIntervalSeconds" must be positive integers');
  }
  const randomId = options.randomId ?? generateSessionId;

  async function seal(tokens: TokenSet, id: string): Promise<string> {
    try {
      return await sealer.seal(encodeTokens(tokens), id);
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async function get(id: string, now: number): Promise<Session | undefined> {
    if (!isWellFormedSessionId(id)) return undefined;
    const stored = await store.get(hashSessionId(id));
    if (!stored) return undefined;
    if (isExpired(stored, now)) {
      // Best effort: the read already treats it as gone; the TTL sweeper catches what this misses.
      await store.remove(stored.pk, stored.version).catch((error: unknown) => {
        logger?.warn("session.expired_delete_failed", { sid: hashId(id), error: error instanceof Error ? error.name : typeof error });
      });
      return undefined;
    }
    let plaintext: Uint8Array;
    try {
      plaintext = await sealer.open(stored.tokens, id);
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw toStoreError(error);
      logger?.warn("session.envelope_rejected", { sid: hashId(id), reason: error.message });
      return undefined;
    }
    const tokens = decodeTokens(plaintext);
    return tokens ? toSession(id, stored, tokens) : undefined;
  }

  return {
    get,

    async create(input, now) {
      for (let attempt = 0; attempt < createAttempts; attempt++) {
        const id = randomId();
        if (!isWellFormedSessionId(id)) throw new ConfigError('"randomId" must return at least 128 bits of base64url');
        const stored = newStoredSession(hashSessionId(id), input.user, await seal(input.tokens, id), now, policy);
        // A 256-bit collision means a broken random source; never overwrite someone's session.
        if (await store.insert(stored)) return toSession(id, stored, input.tokens);
      }
      throw new SessionStoreError("Could not allocate a unique session id");
    },

    async touchIfDue(session, now) {
      const touch = plannedTouch(session, now, policy);
      if (!touch) return session;
      // Someone else wrote (a refresh) or deleted it: this request keeps what it read, the next one slides.
      if (!(await store.touch(hashSessionId(session.id), session.version, touch, now))) return session;
      return { ...session, touchedAt: touch.touchedAt, idleExpiresAt: touch.idleExpiresAt };
    },

    async updateTokens(session, tokens, now, leaseOwner) {
      const sealed = await seal(tokens, session.id);
      const written = await store.replaceTokens(hashSessionId(session.id), session.version, sealed, now, leaseOwner);
      if (written) return { ok: true, session: toSession(session.id, written, tokens) };
      return { ok: false, current: await get(session.id, now) };
    },

    takeRefreshLease(session, owner, until, now) {
      return store.takeLease(hashSessionId(session.id), session.version, { until, owner }, now);
    },

    releaseRefreshLease(session, owner) {
      return store.releaseLease(hashSessionId(session.id), owner);
    },

    deleteIfUnchanged(session) {
      return store.remove(hashSessionId(session.id), session.version);
    },

    async delete(id) {
      if (!isWellFormedSessionId(id)) return;
      await store.remove(hashSessionId(id));
    },
  };
}
