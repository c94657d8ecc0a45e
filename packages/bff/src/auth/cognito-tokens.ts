import type { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { IdpError, lazy } from "@spa-bff/core";
import type { TokenSet } from "../session/types.ts";
import type { IdpTokens } from "./idp-tokens.ts";
import { OidcRejectedError } from "./oidc-errors.ts";

export interface CognitoTokensOptions {
  /** `<region>_<id>`; its region is where the API is called. */
  userPoolId: string;
  clientId: string;
  clientSecret: string;
  /** The local Cognito stand-in (loopback only); absent in AWS. */
  endpoint?: string;
  /** Where the browser lands after logout: a branded stage has no hosted session to end. */
  postLogoutRedirectUri: string;
  /** A client built elsewhere (tests); by default one in the pool's region, built on first use. */
  client?: Pick<CognitoIdentityProviderClient, "send">;
}

/** Cognito's answers that mean "this refresh token is no good" (expired, revoked, spent, its user signed out). */
const rejectedNames = new Set([
  "NotAuthorizedException",
  "RefreshTokenReuseException",
  "UserNotFoundException",
  "InvalidParameterException",
]);

/**
 * The branded sign-in's tokens, refreshed and revoked through Cognito's own
 * API as the web client (`GetTokensFromRefreshToken` with refresh-token
 * rotation, `RevokeToken`): a branded stage's web client has no OAuth flows,
 * so the token endpoint is not for it. The SDK loads on the first refresh,
 * never at cold start.
 *
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html
 */
export function createCognitoTokens(options: CognitoTokensOptions): IdpTokens {
  const sdk = lazy(() => import("@aws-sdk/client-cognito-identity-provider"));
  const client = lazy(async () => {
    if (options.client) return options.client;
    const { CognitoIdentityProviderClient } = await sdk();
    const region = options.userPoolId.split("_")[0];
    return new CognitoIdentityProviderClient({
      ...(region ? { region } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
  });

  async function call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const name = error instanceof Error ? error.name : "";
      // Cognito's message can name the user's state; only the exception's name is kept.
      if (rejectedNames.has(name)) throw new OidcRejectedError("invalid_grant", { cause: error });
      throw new IdpError(undefined, { cause: error });
    }
  }

  return {
    async refresh(tokens, now): Promise<TokenSet> {
      if (!tokens.refreshToken) throw new OidcRejectedError("invalid_grant");
      const refreshToken = tokens.refreshToken;
      const { GetTokensFromRefreshTokenCommand } = await sdk();
      const output = await call(async () =>
        (await client()).send(
          new GetTokensFromRefreshTokenCommand({
            RefreshToken: refreshToken,
            ClientId: options.clientId,
            ClientSecret: options.clientSecret,
          }),
        ),
      );
      const result = output.AuthenticationResult;
      if (!result?.AccessToken) throw new IdpError("Cognito answered a refresh without an access token");
      return {
        accessToken: result.AccessToken,
        accessTokenExpiresAt: now + (result.ExpiresIn && result.ExpiresIn > 0 ? result.ExpiresIn : 300),
        // Rotation answers a new refresh token; without it the old one goes on working.
        refreshToken: result.RefreshToken ?? refreshToken,
        ...(result.IdToken ? { idToken: result.IdToken } : tokens.idToken ? { idToken: tokens.idToken } : {}),
        ...(tokens.scope ? { scope: tokens.scope } : {}),
      };
    },

    async revoke(refreshToken) {
      const { RevokeTokenCommand } = await sdk();
      await call(async () =>
        (await client()).send(
          new RevokeTokenCommand({ Token: refreshToken, ClientId: options.clientId, ClientSecret: options.clientSecret }),
        ),
      );
    },

    async endSessionUrl() {
      return options.postLogoutRedirectUri;
    },
  };
}
