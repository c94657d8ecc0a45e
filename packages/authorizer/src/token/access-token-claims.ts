import type { JwtPayload } from "aws-jwt-verify/jwt-model";

/** What the authorizer needs from a verified access token. */
export interface AccessTokenClaims {
  readonly sub: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** Present for users only; a client-credentials token has none. */
  readonly username: string | undefined;
  readonly principalType: "user" | "machine";
  /** Epoch seconds after which the token is expired. */
  readonly exp: number;
}

/** Thrown when a verified token lacks a claim the authorizer relies on. */
export class MissingClaimError extends Error {
  override readonly name = "MissingClaimError";
}

/**
 * Extracts the claims from a verified payload. A token is a machine's when
 * it carries no `username` or its `sub` is its own `client_id`: that is how
 * Cognito (and the local IdP) shape client-credentials tokens.
 */
export function toAccessTokenClaims(payload: JwtPayload): AccessTokenClaims {
  const { sub, client_id: clientId, scope, username, exp } = payload;
  if (typeof sub !== "string" || sub.length === 0) throw new MissingClaimError('The token has no "sub"');
  if (typeof clientId !== "string" || clientId.length === 0) throw new MissingClaimError('The token has no "client_id"');
  if (typeof exp !== "number" || !Number.isFinite(exp)) throw new MissingClaimError('The token has no "exp"');
  const scopes = typeof scope === "string" ? scope.split(" ").filter((value) => value.length > 0) : [];
  const user = typeof username === "string" && username.length > 0 && sub !== clientId;
  return { sub, clientId, scopes, username: user ? username : undefined, principalType: user ? "user" : "machine", exp };
}
