import { randomUUID } from "node:crypto";
import { ErrorCodes, SessionStoreError, UnauthenticatedError } from "@spa-bff/core";
import { type Audit, AuditEvents } from "../audit.ts";
import type { IdpTokens } from "../auth/idp-tokens.ts";
import { OidcRejectedError } from "../auth/oidc-errors.ts";
import type { Session, SessionService } from "../session/types.ts";
import { createSingleFlight } from "./single-flight.ts";

export interface TokenRefresherOptions {
  sessions: SessionService;
  idp: Pick<IdpTokens, "refresh" | "revoke">;
  audit: Audit;
  /** Refresh when the access token has at most this many seconds left. */
  skewSeconds: number;
  /** How long a refresh lease holds: longer than one IdP call may take, so only a dead holder's lease runs out. */
  leaseSeconds: number;
  /** Epoch seconds, read again while waiting for another instance's refresh. */
  clock: () => number;
  /** Milliseconds between reads while another instance refreshes. */
  pollMs?: number;
  /** The id of one refresh attempt (the lease owner). */
  randomId?: () => string;
}

/** True when the access token expires within the skew. */
export function needsRefresh(session: Session, now: number, skewSeconds: number): boolean {
  return session.tokens.accessTokenExpiresAt - now <= skewSeconds;
}

/** Returns the session with an access token that outlives the refresh skew. */
export type EnsureFresh = (session: Session, now: number, requestId: string) => Promise<Session>;

/**
 * Returns the session with an access token that outlives the skew,
 * refreshing it when needed, once per session across every instance:
 *
 * 1. the instance that needs a refresh takes a short lease on the session
 *    with a conditional write (only while no lease is in force);
 * 2. the others wait for it, re-reading the session (strongly consistent),
 *    and use the tokens it writes; a lease whose holder died runs out and the
 *    next instance takes it;
 * 3. the holder writes its tokens only while it still holds the lease; if
 *    that write fails (the session was logged out meanwhile, or its lease ran
 *    out and another instance refreshed), the refresh token it was just
 *    given belongs to no session and is revoked;
 * 4. a refresh the IdP rejects ends the session, but only if the session is
 *    still at the version read: another instance's newer tokens survive.
 *
 * An unreachable IdP is a 502 and the session is kept. Within one instance,
 * concurrent requests share one attempt (single flight); in Lambda an
 * instance serves one request at a time, so the lease is what counts.
 */
export function createTokenRefresher(options: TokenRefresherOptions): EnsureFresh {
  const flight = createSingleFlight<Session>();
  const { skewSeconds, audit, sessions, clock } = options;
  const pollMs = options.pollMs ?? 100;
  const randomId = options.randomId ?? randomUUID;

  const refresh = async (session: Session, requestId: string): Promise<Session> => {
    // The wait is bounded in real time, whatever the clock says: a holder that never finishes costs about one lease.
    const giveUpAt = Date.now() + options.leaseSeconds * 1000 + 10 * pollMs;
    for (;;) {
      const now = clock();
      const latest = await sessions.get(session.id, now);
      if (!latest) throw expired();
      if (!needsRefresh(latest, now, skewSeconds)) return latest;
      if (latest.lease && latest.lease.until > now) {
        if (Date.now() >= giveUpAt) throw new SessionStoreError("A token refresh is taking too long, try again shortly");
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        continue;
      }
      const owner = randomId();
      // Lost to another instance (or the session moved on): read again and wait for its tokens.
      if (!(await sessions.takeRefreshLease(latest, owner, now + options.leaseSeconds, now))) continue;
      return refreshHolding(latest, owner, now, requestId);
    }
  };

  const refreshHolding = async (latest: Session, owner: string, now: number, requestId: string): Promise<Session> => {
    const who = { sub: latest.user.sub, sessionId: latest.id, requestId };
    let tokens: Session["tokens"];
    try {
      tokens = await options.idp.refresh(latest.tokens, now);
    } catch (error) {
      audit(AuditEvents.refreshFailed, { ...who, reason: error instanceof OidcRejectedError ? error.reason : "idp_unavailable" });
      if (!(error instanceof OidcRejectedError)) {
        await sessions.releaseRefreshLease(latest, owner).catch(() => undefined);
        throw error;
      }
      // The refresh token is spent or revoked. Only the version read may go: newer tokens another instance wrote survive.
      if (await sessions.deleteIfUnchanged(latest)) {
        audit(AuditEvents.sessionExpired, { ...who, reason: "refresh_rejected" });
        throw expired();
      }
      const current = await sessions.get(latest.id, clock());
      if (current && !needsRefresh(current, clock(), skewSeconds)) return current;
      throw expired();
    }
    const result = await sessions.updateTokens(latest, tokens, now, owner);
    if (result.ok) {
      audit(AuditEvents.refresh, who);
      return result.session;
    }
    // Logged out meanwhile, or this lease ran out and another instance refreshed: these tokens belong to no session.
    if (tokens.refreshToken && tokens.refreshToken !== latest.tokens.refreshToken) {
      await options.idp.revoke(tokens.refreshToken).catch(() => undefined);
    }
    if (result.current && !needsRefresh(result.current, clock(), skewSeconds)) return result.current;
    throw expired();
  };

  return (session, now, requestId) => {
    if (!needsRefresh(session, now, skewSeconds)) return Promise.resolve(session);
    return flight(session.id, () => refresh(session, requestId));
  };
}

function expired(): UnauthenticatedError {
  return new UnauthenticatedError(undefined, { code: ErrorCodes.sessionExpired });
}
