import { isAppError } from "@spa-bff/core";
import { json } from "@spa-bff/core/http";
import * as z from "zod/mini";
import { type Audit, AuditEvents } from "../audit.ts";
import { type SessionStarter, startSession } from "../auth/start-session.ts";
import { clientIp } from "../http/client-ip.ts";
import { assertCsrfHeader, assertSameSite } from "../http/csrf.ts";
import { parseJsonBody } from "../http/json-body.ts";
import type { BffRequest } from "../http/request.ts";
import { SignInFailedError, SignInLockedError } from "../signin/errors.ts";
import { SIGNIN_COOKIE_NAME } from "../signin/pending-signin.ts";
import type { SignInResult, SignInService } from "../signin/signin-service.ts";
import type { BffRoute } from "./route.ts";
import { describeSession } from "./session.ts";

export interface SignInDeps extends SessionStarter {
  signIn: SignInService;
  audit: Audit;
  appOrigin: string;
}

/** A JSON body of a sign-in step is a few hundred bytes; anything much larger is not one. */
const signInLimits = { maxBytes: 4096, what: "sign-in" };

const signInBody = z.object({
  username: z.string({ error: "Enter your username" }).check(
    z.refine((value) => value.trim() !== "", "Enter your username"),
    z.maxLength(128, "At most 128 characters"),
  ),
  password: z
    .string({ error: "Enter your password" })
    .check(z.minLength(1, "Enter your password"), z.maxLength(256, "At most 256 characters")),
});

const codeBody = z.object({
  code: z.string({ error: "Enter the 6-digit code" }).check(z.refine((value) => /^\d{6}$/.test(value.trim()), "Enter the 6-digit code")),
});

/**
 * The branded sign-in (`LOGIN_MODE=branded`), the SPA's own form instead of
 * the IdP's page, with the emailed code as a second factor:
 *
 * - `POST /auth/signin` `{username, password}` → 200 `{challenge: "CODE", destination?, retry: false}` and a
 *   `__Host-bff-signin` cookie (HttpOnly, SameSite=Strict) holding the sealed Cognito session (never seen by JavaScript)
 * - `POST /auth/signin/code` `{code}` with that cookie → 200 with the `/auth/session` answer and a new
 *   session cookie; a wrong code answers the code challenge again with `retry: true`
 *
 * Both are JSON routes (`X-CSRF: 1`, same-site only). Failures are the
 * sign-in errors: 401 `login_failed` (one message for unknown users and
 * wrong passwords), 429 `too_many_attempts` with `Retry-After`, 400
 * `invalid_login_state` without a usable pending cookie.
 */
export function signInRoutes(deps: SignInDeps): BffRoute[] {
  async function respond(request: BffRequest, result: SignInResult) {
    if (result.kind === "code_required") {
      request.setCookie(SIGNIN_COOKIE_NAME, result.pending, { maxAge: result.pendingMaxAgeSeconds, sameSite: "Strict" });
      return json(200, { challenge: "CODE", ...(result.destination ? { destination: result.destination } : {}), retry: result.retry });
    }
    // Every branded sign-in passes the emailed code: Cognito's custom challenge asks for it after the password.
    const session = await startSession(
      deps,
      request,
      { user: result.user, tokens: result.tokens, signInMethod: "password_and_code" },
      "branded",
    );
    request.clearCookie(SIGNIN_COOKIE_NAME);
    return json(200, describeSession(session));
  }

  /** The sign-in's own refusals are audited, and any of them restarts at the password form (the pending sign-in is dropped). */
  function refused(request: BffRequest, error: unknown): never {
    const ended = error instanceof SignInFailedError || error instanceof SignInLockedError;
    if (ended) deps.audit(AuditEvents.loginFailed, { reason: error.code, requestId: request.requestId, method: "branded" });
    if (ended || (isAppError(error) && error.code === "invalid_login_state")) request.clearCookie(SIGNIN_COOKIE_NAME);
    throw error;
  }

  return [
    {
      method: "POST",
      path: "/auth/signin",
      handler: async (request) => {
        assertCsrfHeader(request.headers);
        assertSameSite(request.headers, deps.appOrigin);
        const body = parseJsonBody(request, signInBody, signInLimits);
        try {
          return await respond(request, await deps.signIn.start({ ...body, ip: clientIp(request) }, request.now));
        } catch (error) {
          return refused(request, error);
        }
      },
    },
    {
      method: "POST",
      path: "/auth/signin/code",
      handler: async (request) => {
        assertCsrfHeader(request.headers);
        assertSameSite(request.headers, deps.appOrigin);
        const body = parseJsonBody(request, codeBody, signInLimits);
        try {
          const pending = request.cookies.get(SIGNIN_COOKIE_NAME);
          return await respond(request, await deps.signIn.answer({ code: body.code, pending, ip: clientIp(request) }, request.now));
        } catch (error) {
          return refused(request, error);
        }
      },
    },
  ];
}

/** The JSON body, size-capped and checked; 400 `validation_failed` names each bad field, never echoing a value. */
