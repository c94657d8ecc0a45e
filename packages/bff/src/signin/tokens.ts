import type { AuthenticationResultType } from "@aws-sdk/client-cognito-identity-provider";
import type { SessionUser, TokenSet } from "../session/types.ts";

/** Cognito's authentication result as the BFF session keeps it. */
export function toTokenSet(result: AuthenticationResultType, now: number): TokenSet {
  if (!result.AccessToken) throw new TypeError("Cognito returned no access token");
  return {
    accessToken: result.AccessToken,
    accessTokenExpiresAt: now + (result.ExpiresIn ?? 3600),
    ...(result.RefreshToken ? { refreshToken: result.RefreshToken } : {}),
    ...(result.IdToken ? { idToken: result.IdToken } : {}),
  };
}

/**
 * The session user from Cognito's ID token. The token came straight from
 * Cognito over TLS as the answer to our own authenticated call, so its
 * claims are read without a second signature check (OIDC Core §3.1.3.7,
 * point 6, applies the same rule to the token endpoint).
 */
export function userFromIdToken(idToken: string | undefined): SessionUser {
  const payload = idToken?.split(".")[1];
  if (!payload) throw new TypeError("Cognito returned no ID token");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  if (typeof claims.sub !== "string" || claims.sub === "") throw new TypeError("The ID token has no subject");
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  const name = text(claims.name);
  const email = text(claims.email);
  const username = text(claims["cognito:username"]);
  return { sub: claims.sub, ...(name ? { name } : {}), ...(email ? { email } : {}), ...(username ? { username } : {}) };
}
