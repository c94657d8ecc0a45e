import { ConfigError, type IdentifierHash, type Logger, SessionStoreError } from "@spa-bff/core";
import { EnvelopeError, toStoreError } from "./errors.ts";
import { endedMarkerOf, newSessionHandle, newSessionId, sessionKeyOf } from "./session-id.ts";
import {
  decodeTokens,
  encodeTokens,
  isExpired,
  isValidPolicy,
  newStoredSession,
  plannedTouch,
  tokensAad,
  toSession,
} from "./session-rules.ts";
import type { SessionStore, StoredSession } from "./session-store.ts";
import type { Sealer, Session, SessionPolicy, SessionService, TokenSet } from "./types.ts";

export interface SessionsOptions {
  store: SessionStore;
  sealer: Sealer;
  policy: SessionPolicy;
  /** The keyed hash of identifiers: a user's partition is `hash("user", sub)`, an IdP session's `hash("sid", sid)`. */
  hash: IdentifierHash;
  /** Source of new session ids for a user key; defaults to {@link newSessionId}. */
  newId?: (userKey: string) => string;
  /** Receives only event names, error class names and keyed hashes. */
  logger?: Pick<Logger, "warn">;
}

const createAttempts = 3;

/**
 * The sessions the routes use: {@link SessionStore} records, their tokens
 * sealed where they are stored, under the rules of session-rules.ts. An
 * unknown, expired or tampered session is `undefined`; a store or key
 * outage throws `SessionStoreError` (503), so an outage never looks like a
 * logout.
 *
 * @example
 * const sessions = createSessions({ store: createDynamoSessionStore({ client, tableName }), sealer, policy: config.session, hash });
 * const session = await sessions.get(cookieValue, now);
 */
export function createSessions(options: SessionsOptions): SessionService {
  const { store, sealer, policy, hash, logger } = options;
  if (!isValidPolicy(policy)) {
    throw new ConfigError('Invalid session policy: "idleSeconds", "absoluteSeconds" and "touchIntervalSeconds" must be positive integers');
  }
  const newId = options.newId ?? newSessionId;

  async function seal(tokens: TokenSet, stored: Pick<StoredSession, "key">): Promise<string> {
    try {
      return await sealer.seal(encodeTokens(tokens), tokensAad(stored.key));
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async function get(id: string, now: number): Promise<Session | undefined> {
    const key = sessionKeyOf(id);
    if (!key) return undefined;
    const stored = await store.get(key);
    if (!stored) return undefined;
    if (isExpired(stored, now)) {
      // Best effort: the read already treats it as gone; the TTL sweeper catches what this misses.
      await store.remove(stored.key, stored.version).catch((error: unknown) => {
        logger?.warn("session.expired_delete_failed", {
          session: stored.handle,
          error: error instanceof Error ? error.name : typeof error,
        });
      });
      return undefined;
    }
    let plaintext: Uint8Array;
    try {
      plaintext = await sealer.open(stored.tokens, tokensAad(stored.key));
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw toStoreError(error);
      logger?.warn("session.envelope_rejected", { session: stored.handle, reason: error.message });
      return undefined;
    }
    const tokens = decodeTokens(plaintext);
    return tokens ? toSession(id, stored, tokens) : undefined;
  }

  return {
    get,

    async create(input, now) {
      const userKey = hash("user", input.user.sub);
      const idpSession = input.idpSessionId === undefined ? undefined : hash("sid", input.idpSessionId);
      for (let attempt = 0; attempt < createAttempts; attempt++) {
        const id = newId(userKey);
        const key = sessionKeyOf(id);
        if (!key) throw new ConfigError('"newId" must return a session id this service can read back');
        const stored = newStoredSession(
          {
            key,
            handle: newSessionHandle(),
            user: input.user,
            signInMethod: input.signInMethod,
            device: input.device,
            ...(idpSession ? { idpSession } : {}),
          },
          await seal(input.tokens, { key }),
          now,
          policy,
        );
        // The link goes first: a session back-channel logout could not find must never exist, a link without a session is harmless.
        if (idpSession) await store.linkIdpSession(idpSession, key, stored.absoluteExpiresAt);
        // A 256-bit collision means a broken random source; never overwrite someone's session.
        if (await store.insert(stored)) return toSession(id, stored, input.tokens);
      }
      throw new SessionStoreError("Could not allocate a unique session id");
    },

    async touchIfDue(session, now) {
      const touch = plannedTouch(session, now, policy);
      if (!touch) return session;
      // Someone else wrote (a refresh) or deleted it: this request keeps what it read, the next one slides.
      if (!(await store.touch(session.key, session.version, touch, now))) return session;
      return { ...session, touchedAt: touch.touchedAt, idleExpiresAt: touch.idleExpiresAt };
    },

    async updateTokens(session, tokens, now, leaseOwner) {
      const sealed = await seal(tokens, session);
      const written = await store.replaceTokens(session.key, session.version, sealed, now, leaseOwner);
      if (written) return { ok: true, session: toSession(session.id, written, tokens) };
      return { ok: false, current: await get(session.id, now) };
    },

    takeRefreshLease(session, owner, until, now) {
      return store.takeLease(session.key, session.version, { until, owner }, now);
    },

    releaseRefreshLease(session, owner) {
      return store.releaseLease(session.key, owner);
    },

    async endedElsewhere(id, now) {
      const key = sessionKeyOf(id);
      return key ? store.remembers(endedMarkerOf(key), now) : false;
    },

    deleteIfUnchanged(session) {
      return store.remove(session.key, session.version);
    },

    async delete(id) {
      const key = sessionKeyOf(id);
      if (key) await store.remove(key);
    },
  };
}
