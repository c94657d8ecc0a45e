import type { Logger } from "@spa-bff/core";
import { sessionRef } from "./session/session-id.ts";

/** Stable names of the security events; dashboards and alarms match on them. */
export const AuditEvents = {
  login: "auth.login",
  loginFailed: "auth.login_failed",
  logout: "auth.logout",
  /** The user ended every one of their sessions. */
  logoutEverywhere: "auth.logout_everywhere",
  /** The user ended one of their other sessions from the sessions list. */
  sessionEnded: "auth.session_ended",
  /** The IdP ended sessions by a back-channel logout token. */
  backchannelLogout: "auth.backchannel_logout",
  /** An operator ended sessions with `npm run sessions -- revoke`. */
  operatorRevoke: "auth.operator_revoke",
  refresh: "auth.refresh",
  refreshFailed: "auth.refresh_failed",
  csrfRefused: "auth.csrf_refused",
  sessionExpired: "auth.session_expired",
} as const;

export type AuditEvent = (typeof AuditEvents)[keyof typeof AuditEvents];

export interface AuditFields {
  sub?: string;
  /** The raw session id; only its reference (`sessionRef`) is logged, as `session`. */
  sessionId?: string;
  /** A code (`access_denied`, `invalid_grant`…), never free text from a response. */
  reason?: string;
  requestId?: string;
  /** How the user logged in: `hosted` (code flow) or `branded` (the BFF's sign-in). */
  method?: "hosted" | "branded";
  /** How many sessions the event ended. */
  ended?: number;
}

/** Writes one audit line; the routes receive it instead of a logger. */
export type Audit = (event: AuditEvent, fields?: AuditFields) => void;

/**
 * One structured log line per security event, with the `sub` and the
 * session's reference (`session`): the same session gives the same value in
 * every line and names its item in the table, and nothing in it leads back
 * to the cookie.
 */
export function createAudit(logger: Logger): Audit {
  return (event, fields = {}) =>
    logger.info(event, {
      audit: true,
      event,
      ...(fields.requestId ? { requestId: fields.requestId } : {}),
      ...(fields.sub ? { sub: fields.sub } : {}),
      ...(fields.sessionId ? { session: sessionRef(fields.sessionId) } : {}),
      ...(fields.reason ? { reason: fields.reason } : {}),
      ...(fields.method ? { method: fields.method } : {}),
      ...(fields.ended !== undefined ? { ended: fields.ended } : {}),
    });
}
