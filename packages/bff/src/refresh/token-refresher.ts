import { ErrorCodes, SessionStoreError, UnauthenticatedError } from "@spa-bff/core";
import { type Audit, AuditEvents } from "../audit.ts";
import type { OidcClient } from "../auth/oidc-client.ts";
import { OidcRejectedError } from "../auth/oidc-errors.ts";
import type { Session, SessionService } from "../session/types.ts";
import { createSingleFlight } from "./single-flight.ts";

export interface TokenRefresherOptions {
  sessions: SessionService;
  idp: Pick<OidcClient, "refresh">;
  audit: Audit;
  skewSeconds: number;
}

/** True when the access token expires within the skew. */
export function needsRefresh(session: Session, now: number, skewSeconds: number): boolean {
  return session.tokens.accessTokenExpiresAt - now <= skewSeconds;
}

/** How often a refresh retries its write after a concurrent, non-token write moved the version on. */
const writeAttempts = 3;

/** Returns the session with an access token that outlives the refresh skew. */
export type EnsureFresh = (session: Session, now: number, requestId: string) => Promise<Session>;

/**
 * Returns the session with an access token that outlives the skew,
 * refreshing it when needed. Within this instance, concurrent requests of one
 * session share one refresh (single flight); across instances, the write is
 * conditional on the version, and a loser re-reads and uses the winner's
 * tokens. A refresh the IdP rejects ends the session (`session_expired`); an
 * unreachable IdP is a 502 and the session is kept.
 */
export function createTokenRefresher(options: TokenRefresherOptions): EnsureFresh {
  const flight = createSingleFlight<Session>();
  const { skewSeconds, audit, sessions } = options;

  const refresh = async (session: Session, now: number, requestId: string): Promise<Session> => {
    // Another instance may have refreshed since this request read the session: a GetItem is cheaper than a refresh grant.
    const latest = await sessions.get(session.id, now);
    if (!latest) throw expired();
    if (!needsRefresh(latest, now, skewSeconds)) return latest;
    let tokens: Session["tokens"];
    try {
      tokens = await options.idp.refresh(latest.tokens, now);
    } catch (error) {
      const reason = error instanceof OidcRejectedError ? error.reason : "idp_unavailable";
      audit(AuditEvents.refreshFailed, { sub: latest.user.sub, sessionId: latest.id, reason, requestId });
      if (!(error instanceof OidcRejectedError)) throw error;
      // With refresh-token rotation, another instance's refresh makes ours fail: its tokens are in the store.
      const current = await sessions.get(session.id, now);
      if (current && !needsRefresh(current, now, skewSeconds)) return current;
      await sessions.delete(session.id);
      audit(AuditEvents.sessionExpired, { sub: latest.user.sub, sessionId: latest.id, reason: "refresh_rejected", requestId });
      throw expired();
    }
    let base = latest;
    for (let attempt = 0; attempt < writeAttempts; attempt++) {
      const result = await sessions.updateTokens(base, tokens, now);
      if (result.ok) {
        audit(AuditEvents.refresh, { sub: base.user.sub, sessionId: base.id, requestId });
        return result.session;
      }
      if (!result.current) throw expired();
      if (!needsRefresh(result.current, now, skewSeconds)) return result.current;
      base = result.current;
    }
    throw new SessionStoreError();
  };

  return (session, now, requestId) => {
    if (!needsRefresh(session, now, skewSeconds)) return Promise.resolve(session);
    return flight(session.id, () => refresh(session, now, requestId));
  };
}

function expired(): UnauthenticatedError {
  return new UnauthenticatedError(undefined, { code: ErrorCodes.sessionExpired });
}
