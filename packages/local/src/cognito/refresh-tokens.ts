import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { CognitoClientSettings } from "./client-settings.ts";
import { CognitoMessages, CognitoServiceError, notAuthorized } from "./errors.ts";

/** Why a family of refresh tokens no longer works. */
export type RevocationReason = "revoked" | "signed_out" | "reuse_detected";

/**
 * The refresh tokens of one sign-in: the first one and every token rotated
 * from it. Its id is the tokens' `origin_jti`.
 */
export interface RefreshFamily {
  readonly id: string;
  readonly clientId: string;
  readonly username: string;
  readonly sub: string;
  /** Epoch seconds of the sign-in. */
  readonly authTime: number;
  readonly eventId: string;
  /** Epoch ms: the refresh-token validity counts from the sign-in; rotation does not extend it. */
  readonly expiresAt: number;
  revoked: RevocationReason | undefined;
  /** SHA-256 of the one token that may rotate now. */
  current: string;
  /** The token it replaced, while the retry grace period lasts. */
  previous: { readonly hash: string; readonly graceUntil: number } | undefined;
}

/** The outcome of presenting a refresh token. */
export interface RefreshUse {
  readonly family: RefreshFamily;
  /** The next token (rotation on); `undefined` when the client does not rotate. */
  readonly newToken: string | undefined;
}

export interface RefreshTokenStoreOptions {
  readonly now: () => number;
}

/**
 * The local pool's refresh tokens. They are opaque random strings and only
 * their SHA-256 is kept. With rotation (`GetTokensFromRefreshToken`):
 *
 * - each use returns a new token, and the one presented keeps working only
 *   for the client's retry grace period (`RetryGracePeriodSeconds`, 0–60 s),
 *   so a client that lost the answer can retry; a retry in that window
 *   replaces the token the first use returned;
 * - **stricter than Cognito, on purpose:** a token presented after it was
 *   rotated out (grace over) is treated as stolen, as oidc-provider, Auth0
 *   and Okta do. Cognito only refuses it (`RefreshTokenReuseException`); the
 *   local pool refuses it with the same exception *and revokes the whole
 *   family*, so the legitimate holder's current token stops working too.
 *   A BFF that refreshes one session twice in parallel therefore loses the
 *   session locally, which is the bug this is meant to surface.
 *
 * Revocation (`RevokeToken`, `GlobalSignOut`, `AdminUserGlobalSignOut`) ends
 * a family for good; its access tokens then fail Cognito's own
 * token-authorized operations (not the API's authorizer, which only checks
 * signatures, as in AWS).
 *
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html
 */
export function createRefreshTokenStore(options: RefreshTokenStoreOptions) {
  const families = new Map<string, RefreshFamily>();
  const familyOfHash = new Map<string, string>();

  function newToken(family: RefreshFamily): { token: string; hash: string } {
    // Cognito's refresh tokens are long encrypted strings; ours are opaque too, and long enough to look alike in storage.
    const token = randomBytes(384).toString("base64url");
    const hash = digest(token);
    familyOfHash.set(hash, family.id);
    return { token, hash };
  }

  function sweep(now: number): void {
    // Kept a day past expiry, so a late use still reads "has expired" rather than "invalid".
    for (const [id, family] of families) {
      if (family.expiresAt + 86_400_000 > now) continue;
      families.delete(id);
      for (const [hash, familyId] of familyOfHash) if (familyId === id) familyOfHash.delete(hash);
    }
  }

  function revoke(family: RefreshFamily, reason: RevocationReason): boolean {
    if (family.revoked) return false;
    family.revoked = reason;
    family.previous = undefined;
    return true;
  }

  return {
    /** A new family for a sign-in, and its first token. */
    create(input: { client: CognitoClientSettings; username: string; sub: string; authTime: number }): {
      token: string;
      family: RefreshFamily;
    } {
      const now = options.now();
      sweep(now);
      const family: RefreshFamily = {
        id: randomUUID(),
        clientId: input.client.clientId,
        username: input.username,
        sub: input.sub,
        authTime: input.authTime,
        eventId: randomUUID(),
        expiresAt: now + input.client.refreshTokenSeconds * 1000,
        revoked: undefined,
        current: "",
        previous: undefined,
      };
      const first = newToken(family);
      family.current = first.hash;
      families.set(family.id, family);
      return { token: first.token, family };
    },

    /**
     * Presents a refresh token of `client`: refuses an unknown, revoked or
     * expired one (`NotAuthorizedException`, Cognito's messages) and, with
     * rotation, returns the next token or detects reuse (see above).
     */
    use(token: string, client: CognitoClientSettings, rotate: boolean): RefreshUse {
      const now = options.now();
      const hash = digest(token);
      const family = families.get(familyOfHash.get(hash) ?? "");
      // A token of another app client is as good as unknown to this one.
      if (!family || family.clientId !== client.clientId) throw notAuthorized(CognitoMessages.invalidRefreshToken);
      if (family.revoked) throw notAuthorized(CognitoMessages.refreshTokenRevoked);
      if (now >= family.expiresAt) throw notAuthorized(CognitoMessages.refreshTokenExpired);
      if (!rotate) return { family, newToken: undefined };
      const isCurrent = hash === family.current;
      const inGrace = family.previous?.hash === hash && now < family.previous.graceUntil;
      if (!isCurrent && !inGrace) {
        revoke(family, "reuse_detected");
        throw new CognitoServiceError(
          "RefreshTokenReuseException",
          "Refresh token reuse detected: the token was rotated out, so every token of this sign-in is revoked (the local pool is stricter than Cognito here)",
        );
      }
      const next = newToken(family);
      if (isCurrent) family.previous = { hash, graceUntil: now + client.refreshTokenRotation.retryGraceSeconds * 1000 };
      // A retry in the grace period replaces the token the first use returned; the grace deadline does not move.
      family.current = next.hash;
      return { family, newToken: next.token };
    },

    /** The family a token of `clientId` belongs to (any of its tokens, current or spent). */
    familyOf(token: string, clientId: string): RefreshFamily | undefined {
      const family = families.get(familyOfHash.get(digest(token)) ?? "");
      return family && family.clientId === clientId ? family : undefined;
    },

    familyById(id: string): RefreshFamily | undefined {
      return families.get(id);
    },

    /** Ends one family; false when it had already ended. */
    revoke,

    /** Ends every family of a user (all clients); returns how many were still live. */
    revokeUser(sub: string, reason: RevocationReason): number {
      let count = 0;
      for (const family of families.values()) if (family.sub === sub && revoke(family, reason)) count += 1;
      return count;
    },
  };
}

export type RefreshTokenStore = ReturnType<typeof createRefreshTokenStore>;

function digest(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}
