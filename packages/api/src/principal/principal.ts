import { UnauthenticatedError } from "@spa-bff/core";
import type { APIGatewayProxyEvent } from "aws-lambda";

/** The caller, as the authorizer described it in its context. */
export interface Principal {
  readonly sub: string;
  readonly clientId: string;
  readonly scopes: ReadonlySet<string>;
  readonly principalType: "user" | "machine";
  readonly username: string | undefined;
}

/**
 * Reads the caller from the authorizer context. The API runs only behind the
 * authorizer, so a missing context means a misrouted call: refuse it rather
 * than trust anything in the request itself. API Gateway may answer from its
 * cache of the authorizer's result for up to its TTL, so the token's `exp`
 * is checked here too: a cached answer never outlives the token.
 */
export function principalFromEvent(event: APIGatewayProxyEvent, now: number = Math.floor(Date.now() / 1000)): Principal {
  const context: Record<string, unknown> = event.requestContext?.authorizer ?? {};
  const { sub, clientId, scope, principalType, username, exp } = context;
  if (typeof sub !== "string" || sub === "" || typeof clientId !== "string" || (principalType !== "user" && principalType !== "machine")) {
    throw new UnauthenticatedError("No authorizer context", { code: "unauthenticated" });
  }
  const expiresAt = Number(exp);
  if (!Number.isFinite(expiresAt) || expiresAt <= now) throw new UnauthenticatedError("The access token has expired");
  const scopes = new Set(typeof scope === "string" ? scope.split(" ").filter((value) => value !== "") : []);
  return { sub, clientId, scopes, principalType, username: typeof username === "string" && username !== "" ? username : undefined };
}
