import { CognitoMessages, CognitoServiceError, notAuthorized, secretMismatch, secretMissing } from "./errors.ts";
import { type CallerInfo, checkClientSecret, clientOf, optionalStringMap, type PoolContext, requireString } from "./pool-context.ts";
import { refreshedTokens } from "./sign-in-operations.ts";

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

/**
 * `GetTokensFromRefreshToken`: new ID and access tokens, and with rotation
 * a new refresh token (see `createRefreshTokenStore` for the grace period
 * and the local pool's reuse rule). The client proves its secret with
 * `ClientSecret` itself, not a `SECRET_HASH`. The pre-token trigger runs
 * again (`TokenGeneration_RefreshTokens`), as in Cognito.
 *
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html
 */
export async function getTokensFromRefreshToken(pool: PoolContext, input: Input, caller: CallerInfo): Promise<Output> {
  const client = clientOf(pool, input.ClientId);
  const refreshToken = requireString(input, "RefreshToken");
  if (client.clientSecret !== undefined && (typeof input.ClientSecret !== "string" || input.ClientSecret === "")) {
    throw secretMissing(client.clientId);
  }
  checkClientSecret(client, input.ClientSecret, () => secretMismatch(client.clientId));
  const clientMetadata = optionalStringMap(input, "ClientMetadata");
  let used: ReturnType<PoolContext["refreshTokens"]["use"]>;
  try {
    used = pool.refreshTokens.use(refreshToken, client, client.refreshTokenRotation.enabled);
  } catch (error) {
    if (error instanceof CognitoServiceError && error.type === "RefreshTokenReuseException") {
      pool.counters.reuseDetections += 1;
      pool.logger.warn("refresh token reuse: family revoked", { event: "refresh_token_reuse", operation: "GetTokensFromRefreshToken" });
    }
    throw error;
  }
  const { family, newToken } = used;
  const tokens = await refreshedTokens(pool, client, family, caller, clientMetadata);
  return {
    AuthenticationResult: {
      AccessToken: tokens.accessToken,
      ExpiresIn: tokens.expiresIn,
      TokenType: "Bearer",
      ...(newToken ? { RefreshToken: newToken } : {}),
      IdToken: tokens.idToken,
    },
  };
}

/**
 * `RevokeToken`: ends the refresh token's whole family (every token rotated
 * from the same sign-in), so its access tokens fail Cognito's own APIs too.
 * As RFC 7009 asks, an unknown token (or another client's) answers 200 and
 * changes nothing; an access or ID token is `UnsupportedTokenTypeException`.
 * This operation's errors for a bad client are `UnauthorizedException`, as
 * its API reference lists them.
 *
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html
 */
export async function revokeToken(pool: PoolContext, input: Input): Promise<Output> {
  const token = requireString(input, "Token");
  const clientId = requireString(input, "ClientId");
  const unauthorized = () => new CognitoServiceError("UnauthorizedException", "Invalid client id or client secret.");
  const client = pool.clients.get(clientId);
  if (!client) throw unauthorized();
  checkClientSecret(client, input.ClientSecret, unauthorized);
  if (client.enableTokenRevocation === false) {
    throw new CognitoServiceError("UnsupportedOperationException", "Token revocation is not enabled for this app client.");
  }
  if (await pool.tokens.isOwnJwt(token)) {
    throw new CognitoServiceError("UnsupportedTokenTypeException", "Only refresh tokens can be revoked.");
  }
  const family = pool.refreshTokens.familyOf(token, client.clientId);
  if (family && pool.refreshTokens.revoke(family, "revoked")) pool.counters.revocations += 1;
  return {};
}

/**
 * `GlobalSignOut`: authorized by the user's own access token (it must carry
 * `aws.cognito.signin.user.admin` and not be revoked); ends every refresh
 * token of the user, those of the hosted sign-in (code flow) included.
 *
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GlobalSignOut.html
 */
export async function globalSignOut(pool: PoolContext, input: Input): Promise<Output> {
  const accessToken = requireString(input, "AccessToken");
  const payload = await pool.tokens.verifyAccessToken(accessToken);
  const family = typeof payload.origin_jti === "string" ? pool.refreshTokens.familyById(payload.origin_jti) : undefined;
  if (!family || family.revoked || typeof payload.sub !== "string") throw notAuthorized(CognitoMessages.accessTokenRevoked);
  pool.refreshTokens.revokeUser(payload.sub, "signed_out");
  await pool.signOutElsewhere(payload.sub);
  pool.counters.globalSignOuts += 1;
  return {};
}

/**
 * `AdminUserGlobalSignOut`: ends every refresh token of the user, on every
 * app client and from every sign-in (code flow included). It is
 * IAM-authorized: the HTTP layer lets it through only with a valid SigV4
 * signature and, when an authorizer is set, a grant of
 * `cognito-idp:AdminUserGlobalSignOut` on this pool.
 *
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUserGlobalSignOut.html
 */
export async function adminUserGlobalSignOut(pool: PoolContext, input: Input): Promise<Output> {
  const userPoolId = requireString(input, "UserPoolId");
  const username = requireString(input, "Username");
  if (userPoolId !== pool.userPoolId)
    throw new CognitoServiceError("ResourceNotFoundException", `User pool ${userPoolId.slice(0, 60)} does not exist.`);
  // The admin API takes the user name, or the sub of a local user (as the operator command sends).
  const user = pool.users.find(username) ?? pool.users.findBySub(username);
  if (!user) throw new CognitoServiceError("UserNotFoundException", CognitoMessages.userNotFound);
  pool.refreshTokens.revokeUser(user.sub, "signed_out");
  await pool.signOutElsewhere(user.sub);
  pool.counters.globalSignOuts += 1;
  return {};
}
