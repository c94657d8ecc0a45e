import type { Logger } from "@spa-bff/core";
import { EnvelopeError, toStoreError } from "./errors.ts";
import { endedMarkerOf } from "./session-id.ts";
import { decodeTokens, isExpired, tokensAad } from "./session-rules.ts";
import type { SessionStore, StoredSession } from "./session-store.ts";
import type { Sealer } from "./types.ts";

export interface UserSessionsOptions {
  store: SessionStore;
  /**
   * How each ended session's refresh token is revoked: the sealer opens it,
   * `revoke` ends it at the IdP (RFC 7009, or Cognito's RevokeToken). Without
   * it (an operator, who may not use the session key), sessions are only
   * deleted, and the caller ends the user's tokens at the IdP another way
   * (Cognito's AdminUserGlobalSignOut).
   */
  revocation?: { sealer: Sealer; revoke: (refreshToken: string) => Promise<void> };
  /** Receives only event names, error class names and handles. */
  logger?: Pick<Logger, "warn">;
}

/** A live session of a user, as the sessions list shows it. */
export type ListedSession = Pick<StoredSession, "key" | "handle" | "createdAt" | "touchedAt" | "device" | "signInMethod">;

/**
 * Every session of one user, and the ways to end them: all at once (log out
 * everywhere, an operator's revoke, back-channel logout by `sub`), one by
 * its handle, or those of one IdP session (back-channel logout by `sid`).
 */
export interface UserSessions {
  /** The user's live sessions, read strongly consistent; oldest first. */
  list(pk: string, now: number): Promise<ListedSession[]>;
  /** Ends every session in the user's partition; how many ended. */
  endAll(pk: string): Promise<number>;
  /** Ends the session with this handle in this user's partition; `false` when the user has none with it. */
  endByHandle(pk: string, handle: string): Promise<boolean>;
  /** Ends every session linked to an IdP session (a keyed hash of its `sid`); how many ended. */
  endIdpSession(idpSession: string): Promise<number>;
}

/** A session rewritten by its own refresh while being ended is read again, a few times at most. */
const endAttempts = 3;

/**
 * Ends sessions for good: each is deleted only at the version whose tokens
 * were read, and the refresh token of that version is then revoked at the
 * IdP, so a refresh racing on another instance either lands first (and the
 * newer token is the one revoked) or finds the session gone (and revokes
 * its own new token: see the token refresher). Opening the tokens comes
 * before the delete, so a key outage ends nothing (503) rather than leave
 * a refresh token nobody can revoke. A failed revocation is logged, not
 * fatal: the session, the only holder of the token, is gone either way.
 *
 * @example
 * const userSessions = createUserSessions({ store, revocation: { sealer, revoke: (token) => idp.revoke(token) } });
 * await userSessions.endAll(session.key.pk);
 */
export function createUserSessions(options: UserSessionsOptions): UserSessions {
  const { store, revocation, logger } = options;

  async function refreshTokenOf(stored: StoredSession): Promise<string | undefined> {
    if (!revocation) return undefined;
    try {
      return decodeTokens(await revocation.sealer.open(stored.tokens, tokensAad(stored.key)))?.refreshToken;
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw toStoreError(error);
      // Tampered in the table: nothing to revoke, and the session must still end.
      logger?.warn("session.envelope_rejected", { session: stored.handle, reason: error.message });
      return undefined;
    }
  }

  async function end(first: StoredSession): Promise<boolean> {
    let stored: StoredSession | undefined = first;
    for (let attempt = 1; stored; attempt++) {
      const refreshToken = await refreshTokenOf(stored);
      // Still changing after every attempt: the last delete takes whatever version is there, so the session surely ends.
      const version = attempt < endAttempts ? stored.version : undefined;
      if (await store.remove(stored.key, version)) {
        const { handle, idpSession, key } = stored;
        if (idpSession) await store.unlinkIdpSession(idpSession, key).catch(() => undefined);
        // Only for the message its cookie then gets (session_revoked); the session is gone either way.
        await store.remember(endedMarkerOf(key), stored.absoluteExpiresAt).catch(() => undefined);
        if (refreshToken && revocation) {
          await revocation.revoke(refreshToken).catch((error: unknown) => {
            logger?.warn("session.revocation_failed", { session: handle, error: error instanceof Error ? error.name : "unknown" });
          });
        }
        return true;
      }
      stored = await store.get(stored.key);
    }
    return false;
  }

  async function endEach(records: StoredSession[]): Promise<number> {
    const ended = await Promise.all(records.map(end));
    return ended.filter(Boolean).length;
  }

  return {
    async list(pk, now) {
      const records = await store.listPartition(pk);
      return records
        .filter((stored) => !isExpired(stored, now))
        .sort((a, b) => a.createdAt - b.createdAt)
        .map(({ key, handle, createdAt, touchedAt, device, signInMethod }) => ({
          key,
          handle,
          createdAt,
          touchedAt,
          device,
          signInMethod,
        }));
    },

    async endAll(pk) {
      return endEach(await store.listPartition(pk));
    },

    async endByHandle(pk, handle) {
      const found = (await store.listPartition(pk)).find((stored) => stored.handle === handle);
      return found ? end(found) : false;
    },

    async endIdpSession(idpSession) {
      const links = await store.idpSessionLinks(idpSession);
      const records = await Promise.all(links.map((key) => store.get(key)));
      const ended = await endEach(records.filter((stored): stored is StoredSession => stored?.idpSession === idpSession));
      await Promise.all(links.map((key) => store.unlinkIdpSession(idpSession, key)));
      return ended;
    },
  };
}
