import type { AuthenticationResultType } from "@aws-sdk/client-cognito-identity-provider";
import type { DemoUser } from "../idp/demo-users.ts";
import type { ExplicitAuthFlow } from "./client-settings.ts";
import { type AuthFlow, type AuthStep, invalidSrpA } from "./custom-auth.ts";
import { CognitoMessages, CognitoServiceError, invalidParameter, notAuthorized, secretMissing } from "./errors.ts";
import { type CallerInfo, checkSecretHash, clientOf, optionalStringMap, type PoolContext, requireString } from "./pool-context.ts";
import type { RefreshFamily } from "./refresh-tokens.ts";
import { SRP_N } from "./srp-server.ts";
import type { TriggerContext } from "./triggers.ts";
import { userAttributesOf } from "./user-directory.ts";

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

/** The explicit auth flow that allows each `AuthFlow` of `InitiateAuth`. */
const allowedBy: Readonly<Record<string, ExplicitAuthFlow>> = {
  USER_SRP_AUTH: "ALLOW_USER_SRP_AUTH",
  USER_PASSWORD_AUTH: "ALLOW_USER_PASSWORD_AUTH",
  CUSTOM_AUTH: "ALLOW_CUSTOM_AUTH",
  REFRESH_TOKEN_AUTH: "ALLOW_REFRESH_TOKEN_AUTH",
  REFRESH_TOKEN: "ALLOW_REFRESH_TOKEN_AUTH",
  USER_AUTH: "ALLOW_USER_AUTH",
};
/** Flows of `AdminInitiateAuth` only. */
const adminFlows = new Set(["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"]);
const customAuthTriggers = ["DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse"] as const;

/** "Missing required parameter X": Cognito's words for a missing auth parameter or challenge response. */
function missingParameter(name: string): CognitoServiceError {
  return invalidParameter(`Missing required parameter ${name}`);
}

/**
 * `InitiateAuth`. Checks, in Cognito's order: the app client, the flow
 * (admin-only flows, flows the client does not allow, `REFRESH_TOKEN_AUTH`
 * on a client with rotation), `SECRET_HASH`, then runs the flow. Modelled
 * flows: `CUSTOM_AUTH` (with or without `CHALLENGE_NAME: SRP_A`) and
 * `REFRESH_TOKEN_AUTH` on a client without rotation.
 *
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
 */
export async function initiateAuth(pool: PoolContext, input: Input, caller: CallerInfo): Promise<Output> {
  const client = clientOf(pool, input.ClientId);
  const authFlow = requireString(input, "AuthFlow");
  if (adminFlows.has(authFlow)) throw invalidParameter(CognitoMessages.initiateAuthNotSupported);
  const permission = allowedBy[authFlow];
  if (!permission) {
    throw invalidParameter(
      `1 validation error detected: Value '${authFlow.slice(0, 40)}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [${Object.keys(allowedBy).join(", ")}, ${[...adminFlows].join(", ")}]`,
    );
  }
  const flowName = authFlow === "REFRESH_TOKEN" ? "REFRESH_TOKEN_AUTH" : authFlow;
  if (flowName === "REFRESH_TOKEN_AUTH" && client.refreshTokenRotation.enabled) {
    // "You can't authenticate with REFRESH_TOKEN_AUTH in app clients with refresh token rotation enabled" (Cognito's
    // guide, Refresh tokens). The exception AWS sends is not documented; this is the one for a flow the client refuses.
    throw invalidParameter(
      "REFRESH_TOKEN_AUTH flow not enabled for this client: refresh token rotation is on, use GetTokensFromRefreshToken",
    );
  }
  if (!client.explicitAuthFlows.includes(permission)) throw invalidParameter(`${flowName} flow not enabled for this client`);
  const parameters = optionalStringMap(input, "AuthParameters") ?? {};
  if (flowName === "REFRESH_TOKEN_AUTH") return refreshTokenAuth(pool, input, parameters, caller);
  if (flowName !== "CUSTOM_AUTH") throw invalidParameter(`The local Cognito does not model the ${flowName} flow`);
  return countFailures(pool, () => startCustomAuth(pool, input, parameters, caller));
}

async function startCustomAuth(pool: PoolContext, input: Input, parameters: Record<string, string>, caller: CallerInfo): Promise<Output> {
  const client = clientOf(pool, input.ClientId);
  const typed = parameters.USERNAME;
  if (!typed) throw missingParameter("USERNAME");
  checkSecretHash(client, [typed], parameters.SECRET_HASH);
  if (!customAuthTriggers.every((name) => pool.triggers.has(name))) throw notAuthorized(CognitoMessages.customAuthNotConfigured);
  let srpA: string | undefined;
  if (parameters.CHALLENGE_NAME === "SRP_A") {
    srpA = parameters.SRP_A;
    if (!srpA) throw missingParameter("SRP_A");
    if (!/^[0-9a-fA-F]{1,1024}$/.test(srpA) || BigInt(`0x${srpA}`) % SRP_N === 0n) throw invalidSrpA();
  }
  const user = pool.users.find(typed);
  if (!user && !client.preventUserExistenceErrors) throw new CognitoServiceError("UserNotFoundException", CognitoMessages.userNotFound);
  const flow: AuthFlow = {
    context: triggerContext(pool, client.clientId, caller),
    username: user?.username ?? typed,
    user,
    userAttributes: user ? userAttributesOf(user) : {},
    userNotFound: !user,
    reportUserNotFound: client.preventUserExistenceErrors,
    srpA,
    session: srpA ? [{ challengeName: "SRP_A", challengeResult: true }] : [],
    pending: undefined,
  };
  return answer(pool, flow, await pool.customAuth.advance(flow));
}

/**
 * `RespondToAuthChallenge` for `PASSWORD_VERIFIER` and `CUSTOM_CHALLENGE`.
 * The `Session` is taken (single use) once the client and `SECRET_HASH`
 * check out; an expired or reused one gets Cognito's messages.
 *
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
 */
export async function respondToAuthChallenge(pool: PoolContext, input: Input): Promise<Output> {
  const client = clientOf(pool, input.ClientId);
  const challengeName = requireString(input, "ChallengeName");
  const responses = optionalStringMap(input, "ChallengeResponses") ?? {};
  const username = responses.USERNAME;
  if (!username) throw missingParameter("USERNAME");
  checkSecretHash(client, [username], responses.SECRET_HASH);
  const session = requireString(input, "Session");
  const clientMetadata = optionalStringMap(input, "ClientMetadata");
  return countFailures(pool, async () => {
    const taken = pool.sessions.take(session);
    if (!taken.ok) throw notAuthorized(taken.reason === "used" ? CognitoMessages.sessionUsed : CognitoMessages.sessionExpired);
    const { flow } = taken.state;
    if (taken.state.clientId !== client.clientId) throw notAuthorized(CognitoMessages.sessionExpired);
    if (username.toLowerCase() !== flow.username.toLowerCase()) throw notAuthorized();
    if (challengeName !== flow.pending?.name) throw invalidParameter(`The session does not wait for ${challengeName.slice(0, 40)}`);
    if (challengeName === "PASSWORD_VERIFIER") return answer(pool, flow, await pool.customAuth.answerPasswordVerifier(flow, responses));
    const answerValue = responses.ANSWER;
    if (answerValue === undefined) throw missingParameter("ANSWER");
    return answer(pool, flow, await pool.customAuth.answerCustomChallenge(flow, answerValue, clientMetadata), clientMetadata);
  });
}

/** Turns a step into Cognito's answer: a challenge with a new `Session`, or the tokens. */
async function answer(pool: PoolContext, flow: AuthFlow, step: AuthStep, clientMetadata?: Record<string, string>): Promise<Output> {
  if (step.kind === "challenge") {
    const client = clientOf(pool, flow.context.clientId);
    const session = pool.sessions.issue({ flow, clientId: client.clientId }, (client.authSessionSeconds ?? 180) * 1000);
    return { ChallengeName: step.challengeName, Session: session, ChallengeParameters: step.parameters };
  }
  const user = flow.user;
  if (!user) throw notAuthorized();
  return { ChallengeParameters: {}, AuthenticationResult: await signInTokens(pool, flow, user, clientMetadata) };
}

async function signInTokens(
  pool: PoolContext,
  flow: AuthFlow,
  user: DemoUser,
  clientMetadata?: Record<string, string>,
): Promise<AuthenticationResultType> {
  const client = clientOf(pool, flow.context.clientId);
  const authTime = Math.floor(pool.now() / 1000);
  const { token, family } = pool.refreshTokens.create({ client, username: user.username, sub: user.sub, authTime });
  try {
    const tokens = await pool.tokens.issue({
      client,
      user,
      context: flow.context,
      authTime,
      originJti: family.id,
      eventId: family.eventId,
      triggerSource: "TokenGeneration_Authentication",
      ...(clientMetadata ? { clientMetadata } : {}),
    });
    pool.counters.signIns += 1;
    pool.counters.tokensIssued += 1;
    return {
      AccessToken: tokens.accessToken,
      ExpiresIn: tokens.expiresIn,
      TokenType: "Bearer",
      RefreshToken: token,
      IdToken: tokens.idToken,
    };
  } catch (error) {
    pool.refreshTokens.revoke(family, "revoked");
    throw error;
  }
}

/**
 * New ID and access tokens for a refresh token's family, as both refresh
 * operations issue them: the pre-token trigger runs again
 * (`TokenGeneration_RefreshTokens`) and the counters move.
 */
export async function refreshedTokens(
  pool: PoolContext,
  client: ReturnType<typeof clientOf>,
  family: RefreshFamily,
  caller: CallerInfo,
  clientMetadata?: Record<string, string>,
): Promise<Awaited<ReturnType<PoolContext["tokens"]["issue"]>>> {
  const user = pool.users.findBySub(family.sub);
  if (!user) throw notAuthorized(CognitoMessages.userNotFound);
  const tokens = await pool.tokens.issue({
    client,
    user,
    context: triggerContext(pool, client.clientId, caller),
    authTime: family.authTime,
    originJti: family.id,
    eventId: family.eventId,
    triggerSource: "TokenGeneration_RefreshTokens",
    ...(clientMetadata ? { clientMetadata } : {}),
  });
  pool.counters.refreshes += 1;
  pool.counters.tokensIssued += 1;
  return tokens;
}

/** `REFRESH_TOKEN_AUTH` on a client without rotation: new ID and access tokens, no new refresh token. */
async function refreshTokenAuth(pool: PoolContext, input: Input, parameters: Record<string, string>, caller: CallerInfo): Promise<Output> {
  const client = clientOf(pool, input.ClientId);
  const token = parameters.REFRESH_TOKEN;
  if (!token) throw missingParameter("REFRESH_TOKEN");
  if (client.clientSecret !== undefined && !parameters.SECRET_HASH) throw secretMissing(client.clientId);
  const { family } = pool.refreshTokens.use(token, client, false);
  // For this flow Cognito hashes the user name or, in pools that sign in by email, the sub: accept either.
  checkSecretHash(client, [family.username, family.sub], parameters.SECRET_HASH);
  const tokens = await refreshedTokens(pool, client, family, caller);
  return {
    ChallengeParameters: {},
    AuthenticationResult: { AccessToken: tokens.accessToken, ExpiresIn: tokens.expiresIn, TokenType: "Bearer", IdToken: tokens.idToken },
  };
}

export function triggerContext(pool: PoolContext, clientId: string, caller: CallerInfo): TriggerContext {
  return { region: pool.region, userPoolId: pool.userPoolId, clientId, awsSdkVersion: caller.awsSdkVersion };
}

async function countFailures<T>(pool: PoolContext, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CognitoServiceError) pool.counters.failedSignIns += 1;
    throw error;
  }
}
