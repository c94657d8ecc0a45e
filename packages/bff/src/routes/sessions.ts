import { NotFoundError } from "@spa-bff/core";
import { json, noContent } from "@spa-bff/core/http";
import { type Audit, AuditEvents } from "../audit.ts";
import { requireSession } from "../auth/current-session.ts";
import { SESSION_COOKIE } from "../http/cookies.ts";
import { assertCsrfHeader, assertSameSite } from "../http/csrf.ts";
import { isWellFormedHandle } from "../session/session-id.ts";
import type { SessionService } from "../session/types.ts";
import type { UserSessions } from "../session/user-sessions.ts";
import type { BffRoute } from "./route.ts";

export interface SessionsListDeps {
  sessions: SessionService;
  userSessions: UserSessions;
  audit: Audit;
  appOrigin: string;
}

const prefix = "/auth/sessions/";

/**
 * The user's active sessions:
 *
 * - `GET /auth/sessions` → `{"sessions":[{handle, createdAt, lastActiveAt, device, signInMethod, current}]}`,
 *   the current one first, then the most recently active. A handle is random
 *   and opaque: never the session id, never its table key. `lastActiveAt` is
 *   as precise as the idle deadline's touches (`SESSION_TOUCH_SECONDS`).
 * - `DELETE /auth/sessions/{handle}` → 204: ends that session and revokes its
 *   refresh token (ending the current one also clears the cookie). A handle
 *   that is not one of the caller's sessions is 404, whoever it belongs to.
 *
 * Both are JSON routes (`X-CSRF: 1`, same-site only) and need a session.
 */
export function sessionsRoutes(deps: SessionsListDeps): BffRoute[] {
  return [
    {
      method: "GET",
      path: "/auth/sessions",
      handler: async (request) => {
        assertCsrfHeader(request.headers);
        assertSameSite(request.headers, deps.appOrigin);
        const session = await requireSession(deps.sessions, deps.audit, request);
        const listed = await deps.userSessions.list(session.key.pk, request.now);
        const sessions = listed
          .map((entry) => ({
            handle: entry.handle,
            createdAt: new Date(entry.createdAt * 1000).toISOString(),
            lastActiveAt: new Date(entry.touchedAt * 1000).toISOString(),
            device: entry.device,
            signInMethod: entry.signInMethod,
            current: entry.handle === session.handle,
            touchedAt: entry.touchedAt,
          }))
          .sort((a, b) => Number(b.current) - Number(a.current) || b.touchedAt - a.touchedAt)
          .map(({ touchedAt: _order, ...entry }) => entry);
        return json(200, { sessions });
      },
    },
    {
      method: "DELETE",
      path: "/auth/sessions/{handle}",
      handler: async (request) => {
        assertCsrfHeader(request.headers);
        assertSameSite(request.headers, deps.appOrigin);
        const session = await requireSession(deps.sessions, deps.audit, request);
        const handle = request.path.startsWith(prefix) ? request.path.slice(prefix.length) : "";
        // The same answer for a malformed handle and another user's: a handle names nothing outside the caller's sessions.
        if (!isWellFormedHandle(handle) || !(await deps.userSessions.endByHandle(session.key.pk, handle))) {
          throw new NotFoundError("No such session");
        }
        deps.audit(AuditEvents.sessionEnded, { sub: session.user.sub, sessionId: session.id, requestId: request.requestId, ended: 1 });
        if (handle === session.handle) request.clearCookie(SESSION_COOKIE);
        return noContent();
      },
    },
  ];
}
