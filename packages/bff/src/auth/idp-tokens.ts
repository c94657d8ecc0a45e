import type { TokenSet } from "../session/types.ts";

/**
 * What every function needs of the identity provider after a sign-in:
 * refreshing and revoking a session's tokens, and where the browser goes to
 * end the IdP session. The code flow's IdP (openid-client) and Cognito's API
 * of the branded sign-in each implement it. Every failure is an
 * `OidcRejectedError` (the IdP said no) or an `IdpError` (unreachable).
 */
export interface IdpTokens {
  /** A refresh; keeps the old refresh token when the IdP does not rotate it. */
  refresh(tokens: TokenSet, now: number): Promise<TokenSet>;
  /** Revokes a refresh token (and what was issued from it). */
  revoke(refreshToken: string): Promise<void>;
  /** Where the browser goes to end the IdP session; never carries a token. */
  endSessionUrl(): Promise<string>;
}
