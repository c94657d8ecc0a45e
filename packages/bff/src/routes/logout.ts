import { json } from "@spa-bff/core/http";
import * as z from "zod/mini";
import { type Audit, AuditEvents } from "../audit.ts";
import { currentSession } from "../auth/current-session.ts";
import type { IdpTokens } from "../auth/idp-tokens.ts";
import { SESSION_COOKIE } from "../http/cookies.ts";
import { assertCsrfHeader, assertSameSite } from "../http/csrf.ts";
import { parseJsonBody } from "../http/json-body.ts";
import { type BffRequest, bodyBytes } from "../http/request.ts";
import type { SessionService } from "../session/types.ts";
import type { UserSessions } from "../session/user-sessions.ts";
import type { BffRoute } from "./route.ts";

export interface LogoutDeps {
  sessions: SessionService;
  userSessions: Pick<UserSessions, "endAll">;
  idp: Pick<IdpTokens, "revoke" | "endSessionUrl">;
  audit: Audit;
  appOrigin: string;
  /** Where the browser lands when the IdP's end-session URL is unknown. */
  postLogoutRedirectUri: string;
}

const logoutBody = z.strictObject({ everywhere: z.optional(z.boolean({ error: "true or false" })) });

/** Without a body it is a plain logout (the SPA's "Log out"); a body is the JSON `{"everywhere":true}`. */
function wantsEverywhere(request: BffRequest): boolean {
  if (bodyBytes(request).length === 0) return false;
  return parseJsonBody(request, logoutBody, { maxBytes: 256, what: "logout" }).everywhere === true;
}

/**
 * POST /auth/logout: deletes the session, revokes its refresh token
 * (RFC 7009) and clears the cookie, then answers the IdP's end-session URL.
 * With the JSON body `{"everywhere":true}` it ends every session of the
 * user the same way, read strongly from the user's partition, so a session
 * another instance created a moment before is among them.
 *
 * The URL carries no `id_token_hint`: no token may reach the browser. A
 * failed revocation is logged, not fatal: the session is gone either way.
 * Any other method answers 405 (the shell): a GET (an image tag, a
 * prefetch) must log nobody out.
 * @see https://www.rfc-editor.org/rfc/rfc7009
 */
export function logoutRoute(deps: LogoutDeps): BffRoute {
  return {
    method: "POST",
    path: "/auth/logout",
    handler: async (request) => {
      assertCsrfHeader(request.headers);
      assertSameSite(request.headers, deps.appOrigin);
      const everywhere = wantsEverywhere(request);
      const session = await currentSession(deps.sessions, deps.audit, request);
      if (session && everywhere) {
        const ended = await deps.userSessions.endAll(session.key.pk);
        deps.audit(AuditEvents.logoutEverywhere, { sub: session.user.sub, sessionId: session.id, requestId: request.requestId, ended });
      } else if (session) {
        await deps.sessions.delete(session.id);
        deps.audit(AuditEvents.logout, { sub: session.user.sub, sessionId: session.id, requestId: request.requestId });
        if (session.tokens.refreshToken) {
          try {
            await deps.idp.revoke(session.tokens.refreshToken);
          } catch (error) {
            request.warn("refresh token revocation failed", { errorName: error instanceof Error ? error.name : "unknown" });
          }
        }
      }
      request.clearCookie(SESSION_COOKIE);
      let logoutUrl: string;
      try {
        logoutUrl = await deps.idp.endSessionUrl();
      } catch (error) {
        // Discovery failed: the local session is gone; the IdP session ends on its own.
        request.warn("end-session URL unavailable", { errorName: error instanceof Error ? error.name : "unknown" });
        logoutUrl = deps.postLogoutRedirectUri;
      }
      return json(200, { logoutUrl });
    },
  };
}
