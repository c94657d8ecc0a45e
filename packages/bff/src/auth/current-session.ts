import { hashId, UnauthenticatedError } from "@spa-bff/core";
import { AuditEvents, audit } from "../audit.ts";
import { SESSION_COOKIE } from "../http/cookies.ts";
import type { RequestContext } from "../http/request-context.ts";
import type { BffRuntime } from "../runtime.ts";
import type { Session } from "../session/types.ts";

/**
 * The live session of the request's cookie, or `undefined`. A store or key
 * outage throws `SessionStoreError` (503) so the cookie is kept: an outage
 * must not look like a logout.
 */
export async function currentSession(runtime: BffRuntime, ctx: RequestContext): Promise<Session | undefined> {
  const id = ctx.cookies.get(SESSION_COOKIE);
  if (!id) return undefined;
  ctx.logFields.sid = hashId(id);
  const { sessions } = await runtime.sessionLayer();
  const session = await sessions.get(id, ctx.now);
  // The store cannot say which (expired, deleted, tampered or never issued); the hash ties it to the login event.
  if (!session)
    audit(runtime.logger, AuditEvents.sessionExpired, { sessionId: id, reason: "unknown_or_expired", requestId: ctx.requestId });
  return session;
}

/** The live session, or 401 `unauthenticated` (the handler then clears a stale cookie). */
export async function requireSession(runtime: BffRuntime, ctx: RequestContext): Promise<Session> {
  const session = await currentSession(runtime, ctx);
  if (!session) throw new UnauthenticatedError();
  return session;
}
