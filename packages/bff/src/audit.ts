import { hashId, type Logger } from "@spa-bff/core";

/** Stable names of the security events; dashboards and alarms match on them. */
export const AuditEvents = {
  login: "auth.login",
  loginFailed: "auth.login_failed",
  logout: "auth.logout",
  refresh: "auth.refresh",
  refreshFailed: "auth.refresh_failed",
  csrfRefused: "auth.csrf_refused",
  sessionExpired: "auth.session_expired",
} as const;

export type AuditEvent = (typeof AuditEvents)[keyof typeof AuditEvents];

export interface AuditFields {
  sub?: string;
  /** The raw session id; only its hash is logged. */
  sessionId?: string;
  /** A code (`access_denied`, `invalid_grant`…), never free text from a response. */
  reason?: string;
  requestId?: string;
  /** How the user logged in: `hosted` (code flow) or `branded` (the BFF's sign-in). */
  method?: "hosted" | "branded";
}

/** Writes one audit line; the routes receive it instead of a logger. */
export type Audit = (event: AuditEvent, fields?: AuditFields) => void;

/** One structured log line per security event, with the `sub` and the session id's hash (`sid`). */
export function createAudit(logger: Logger): Audit {
  return (event, fields = {}) => audit(logger, event, fields);
}

function audit(logger: Logger, event: AuditEvent, fields: AuditFields): void {
  logger.info(event, {
    audit: true,
    event,
    ...(fields.requestId ? { requestId: fields.requestId } : {}),
    ...(fields.sub ? { sub: fields.sub } : {}),
    ...(fields.sessionId ? { sid: hashId(fields.sessionId) } : {}),
    ...(fields.reason ? { reason: fields.reason } : {}),
    ...(fields.method ? { method: fields.method } : {}),
  });
}
