import { BadRequestError, ErrorCodes, type IdentifierHash, TooManyRequestsError } from "@spa-bff/core";
import type { HttpResponse } from "@spa-bff/core/http";
import { type Audit, AuditEvents } from "../audit.ts";
import type { LogoutTokenVerifier } from "../auth/logout-token.ts";
import { bodyBytes } from "../http/request.ts";
import { userPartition } from "../session/session-id.ts";
import type { SessionStore } from "../session/session-store.ts";
import type { UserSessions } from "../session/user-sessions.ts";
import type { BffRoute } from "./route.ts";

export interface BackchannelLogoutDeps {
  logoutTokens: LogoutTokenVerifier;
  userSessions: Pick<UserSessions, "endAll" | "endIdpSession">;
  /** Replay markers and the rate-limit counter live in the sessions table. */
  store: Pick<SessionStore, "rememberOnce" | "forget" | "count">;
  hash: IdentifierHash;
  audit: Audit;
  /** Logout tokens one address may send per window (default 60 a minute). */
  limit?: { requests: number; windowSeconds: number };
}

/** A form with one logout token is well under 1 KB; one much larger is not a logout request. */
const maxBodyBytes = 16 * 1024;
const defaultLimit = { requests: 60, windowSeconds: 60 };

/**
 * POST /auth/backchannel-logout: OIDC Back-Channel Logout 1.0. The IdP
 * posts a form with a `logout_token` server to server, so there is no
 * cookie and no `X-CSRF`; the signed token is the proof. A valid token ends
 * the sessions of its IdP session (`sid`), or every session of its user
 * (`sub` alone), revoking their refresh tokens. Its `jti` is remembered in
 * DynamoDB until the token could no longer be accepted, so a replay, on any
 * instance, is refused. Answers: 200 (empty, `Cache-Control: no-store`);
 * 400 `invalid_logout_token` for anything that is not a valid, unseen
 * logout token; 429 past the per-address limit; 502 when the IdP's keys
 * cannot be loaded and 503 when the store is down, so the IdP retries.
 * The IdP calls the function URL directly (no CloudFront in front, see
 * app/backchannel-group.ts), so the address counted is the connection's
 * own `sourceIp`; an `x-viewer-ip` header is anyone's to write here.
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#BCResponse
 */
export function backchannelLogoutRoute(deps: BackchannelLogoutDeps): BffRoute {
  const limit = deps.limit ?? defaultLimit;
  return {
    method: "POST",
    path: "/auth/backchannel-logout",
    handler: async (request) => {
      // Counted before the signature is checked: verifying costs CPU and may cost a JWKS fetch.
      const window = Math.floor(request.now / limit.windowSeconds) * limit.windowSeconds;
      const address = request.event.requestContext?.http?.sourceIp || "unknown";
      const counter = `limit#bcl#${deps.hash("ip", address)}#${window}`;
      const retryAfter = window + limit.windowSeconds - request.now;
      if (!(await deps.store.count(counter, limit.requests, window + limit.windowSeconds))) throw new TooManyRequestsError(retryAfter);

      const claims = await deps.logoutTokens.verify(logoutTokenOf(request), request.now);
      const marker = `jti#${deps.hash("jti", claims.jti)}`;
      if (!(await deps.store.rememberOnce(marker, claims.rememberUntil, request.now))) throw invalidToken();
      let ended: number;
      try {
        // Per the spec, a sid names the IdP session to end even when the token also carries the sub.
        ended = claims.sid
          ? await deps.userSessions.endIdpSession(deps.hash("sid", claims.sid))
          : await deps.userSessions.endAll(userPartition(deps.hash("user", claims.sub ?? "")));
      } catch (error) {
        // The IdP will retry a failed logout; the retry must not look like a replay.
        await deps.store.forget(marker).catch(() => undefined);
        throw error;
      }
      deps.audit(AuditEvents.backchannelLogout, {
        ...(claims.sub ? { sub: claims.sub } : {}),
        reason: claims.sid ? "sid" : "sub",
        ended,
        requestId: request.requestId,
      });
      return { statusCode: 200, headers: { "cache-control": "no-store" }, body: "" } satisfies HttpResponse;
    },
  };
}

/** The `logout_token` of an `application/x-www-form-urlencoded` body; anything else is not a logout request. */
function logoutTokenOf(request: Parameters<BffRoute["handler"]>[0]): string {
  const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") throw invalidToken();
  const bytes = bodyBytes(request);
  if (bytes.length === 0 || bytes.length > maxBodyBytes) throw invalidToken();
  const tokens = new URLSearchParams(bytes.toString("utf8")).getAll("logout_token");
  if (tokens.length !== 1 || !tokens[0]) throw invalidToken();
  return tokens[0];
}

function invalidToken(): BadRequestError {
  return new BadRequestError("The logout token is not valid", { code: ErrorCodes.invalidLogoutToken });
}
