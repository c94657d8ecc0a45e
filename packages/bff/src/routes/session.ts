import { ErrorCodes } from "@spa-bff/core";
import { json } from "@spa-bff/core/http";
import type { Audit } from "../audit.ts";
import { currentSession, endedElsewhere } from "../auth/current-session.ts";
import { SESSION_COOKIE } from "../http/cookies.ts";
import { assertCsrfHeader, assertSameSite } from "../http/csrf.ts";
import type { Session, SessionService, SessionUser, SignInMethod } from "../session/types.ts";
import type { BffRoute } from "./route.ts";

export interface SessionInfoDeps {
  sessions: SessionService;
  audit: Audit;
  appOrigin: string;
  /** Which login the SPA offers when nobody is logged in. */
  loginMode: "hosted" | "branded";
}

/**
 * GET /auth/session: who is logged in, from the session alone (no IdP
 * call). Sends only `sub`, `name`, `email` and how they signed in, never a
 * token or other claim.
 * Slides the idle deadline (throttled by the session rules).
 */
export function sessionRoute(deps: SessionInfoDeps): BffRoute {
  return {
    method: "GET",
    path: "/auth/session",
    handler: async (request) => {
      assertCsrfHeader(request.headers);
      assertSameSite(request.headers, deps.appOrigin);
      const found = await currentSession(deps.sessions, deps.audit, request);
      if (!found) {
        const revoked = await endedElsewhere(deps.sessions, request);
        request.clearCookie(SESSION_COOKIE);
        // Which login the SPA offers: the Log in button (hosted) or its own sign-in form (branded).
        // The same reason as the 401 of any other route, so the SPA says why whichever call noticed first.
        return json(200, { authenticated: false, login: deps.loginMode, ...(revoked ? { reason: ErrorCodes.sessionRevoked } : {}) });
      }
      return json(200, describeSession(await deps.sessions.touchIfDue(found, request.now)));
    },
  };
}

/** The logged-in answer of `/auth/session` (also sent after a branded sign-in): `sub`, `name`, `email`, the deadline and how the user signed in. */
export function describeSession(session: Session): {
  authenticated: true;
  user: Pick<SessionUser, "sub" | "name" | "email">;
  expiresAt: string;
  signInMethod: SignInMethod;
} {
  const { sub, name, email } = session.user;
  return {
    authenticated: true,
    user: { sub, ...(name ? { name } : {}), ...(email ? { email } : {}) },
    expiresAt: new Date(Math.min(session.idleExpiresAt, session.absoluteExpiresAt) * 1000).toISOString(),
    signInMethod: session.signInMethod,
  };
}
