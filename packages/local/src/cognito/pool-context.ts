import { createHmac, timingSafeEqual } from "node:crypto";
import type { Logger } from "@spa-bff/core";
import type { AuthSessionStore } from "./auth-sessions.ts";
import type { CognitoClientSettings } from "./client-settings.ts";
import type { AuthFlow, CustomAuth } from "./custom-auth.ts";
import { CognitoServiceError, missingMember, secretMismatch, secretMissing } from "./errors.ts";
import type { RefreshTokenStore } from "./refresh-tokens.ts";
import type { TokenIssuer } from "./token-issuer.ts";
import type { TriggerName } from "./triggers.ts";
import type { UserDirectory } from "./user-directory.ts";

/** What the local Cognito counts, for tests and the developer. */
export interface CognitoCounters {
  /** Sign-ins that ended with tokens. */
  signIns: number;
  /** Sign-ins refused (`NotAuthorizedException` and the like) at any step. */
  failedSignIns: number;
  /** Successful refreshes (`GetTokensFromRefreshToken`, and `REFRESH_TOKEN_AUTH` on a client without rotation). */
  refreshes: number;
  /** Token sets issued: sign-ins plus refreshes. */
  tokensIssued: number;
  /** `RevokeToken` calls that ended a live family. */
  revocations: number;
  /** `GlobalSignOut` and `AdminUserGlobalSignOut` calls. */
  globalSignOuts: number;
  /** Rotated-out refresh tokens presented again (each revoked its family). */
  reuseDetections: number;
}

/** Everything the operations share: the pool, its clients and stores. */
export interface PoolContext {
  readonly region: string;
  readonly userPoolId: string;
  readonly accountId: string;
  readonly clients: ReadonlyMap<string, CognitoClientSettings>;
  readonly users: UserDirectory;
  readonly triggers: ReadonlySet<TriggerName>;
  readonly customAuth: CustomAuth;
  readonly sessions: AuthSessionStore<{ flow: AuthFlow; clientId: string }>;
  readonly tokens: TokenIssuer;
  readonly refreshTokens: RefreshTokenStore;
  readonly counters: CognitoCounters;
  readonly logger: Logger;
  readonly now: () => number;
  /** After a global sign-out of the user `sub`: ends what the user holds outside this API (the code flow's grants). */
  readonly signOutElsewhere: (sub: string) => Promise<void>;
}

/** What an operation knows about the HTTP request besides its JSON body. */
export interface CallerInfo {
  /** `callerContext.awsSdkVersion` for the triggers. */
  readonly awsSdkVersion: string;
}

/** The app client, or Cognito's `ResourceNotFoundException`. */
export function clientOf(pool: PoolContext, clientId: unknown): CognitoClientSettings {
  if (typeof clientId !== "string") throw missingMember("ClientId");
  const client = pool.clients.get(clientId);
  if (!client) throw new CognitoServiceError("ResourceNotFoundException", `User pool client ${clientId} does not exist.`);
  return client;
}

/**
 * Cognito's `SECRET_HASH` check, on every call of a client with a secret:
 * Base64(HMAC-SHA256(client secret, username + client id)), with the user
 * name sent in that request. The expected value is computed here, apart from
 * the BFF's own code, so a mistake there cannot be mirrored.
 *
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash
 */
export function checkSecretHash(client: CognitoClientSettings, usernames: readonly string[], secretHash: unknown): void {
  if (client.clientSecret === undefined) return;
  if (typeof secretHash !== "string" || secretHash === "") throw secretMissing(client.clientId);
  const given = Buffer.from(secretHash);
  const matches = usernames.some((username) => {
    const expected = Buffer.from(
      createHmac("sha256", client.clientSecret ?? "")
        .update(`${username}${client.clientId}`)
        .digest("base64"),
    );
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!matches) throw secretMismatch(client.clientId);
}

/** The `ClientSecret` parameter of the token operations, compared in constant time. */
export function checkClientSecret(client: CognitoClientSettings, clientSecret: unknown, onMismatch: () => CognitoServiceError): void {
  if (client.clientSecret === undefined) return;
  if (typeof clientSecret !== "string" || clientSecret === "") throw onMismatch();
  const given = Buffer.from(clientSecret);
  const expected = Buffer.from(client.clientSecret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw onMismatch();
}

/** A required string member of the request, or Cognito's validation error. */
export function requireString(input: Record<string, unknown>, member: string): string {
  const value = input[member];
  if (typeof value !== "string" || value === "") throw missingMember(member);
  return value;
}

/** An optional `{ string: string }` member (`ClientMetadata`, `AuthParameters`, `ChallengeResponses`). */
export function optionalStringMap(input: Record<string, unknown>, member: string): Record<string, string> | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value) || !Object.values(value).every((item) => typeof item === "string")) {
    throw new CognitoServiceError("SerializationException", `${member} must be a map of strings`);
  }
  return value as Record<string, string>;
}
