import type Provider from "oidc-provider";

/**
 * The code flow's grants per account, so a global sign-out can end them.
 * oidc-provider's storage has no "grants of an account" lookup, so each grant
 * is recorded when it is saved (at an authorization after login, or at the
 * consent step).
 */
export interface AccountGrants {
  /** Remembers that `grantId` is a grant of `accountId` (the user's `sub`). */
  record(accountId: string, grantId: string): void;
  /**
   * Ends every code-flow grant of the account: its refresh tokens and
   * unredeemed authorization codes, then the grant itself, so a refresh
   * under it gets `invalid_grant` ("grant not found"). Its JWT access and
   * ID tokens stay valid until they expire, as Cognito's do for a verifier
   * that checks only the signature. The browser's hosted session is left
   * alone: Cognito's global sign-out does not clear the managed login
   * cookie either, so signing in again through it gets a new grant.
   * Resolves with how many grants were still there.
   */
  endAll(provider: Provider, accountId: string): Promise<number>;
}

/** @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUserGlobalSignOut.html */
export function createAccountGrants(): AccountGrants {
  const byAccount = new Map<string, Set<string>>();
  return {
    record(accountId, grantId) {
      const grants = byAccount.get(accountId) ?? new Set<string>();
      grants.add(grantId);
      byAccount.set(accountId, grants);
    },
    async endAll(provider, accountId) {
      const grantIds = [...(byAccount.get(accountId) ?? [])];
      byAccount.delete(accountId);
      let ended = 0;
      for (const grantId of grantIds) {
        const grant = await provider.Grant.find(grantId);
        await Promise.all([provider.RefreshToken.revokeByGrantId(grantId), provider.AuthorizationCode.revokeByGrantId(grantId)]);
        if (grant) {
          await grant.destroy();
          ended += 1;
        }
      }
      return ended;
    },
  };
}
