import { createPrivateKey, createPublicKey, type KeyObject, randomUUID } from "node:crypto";
import type { PreTokenGenerationV2TriggerEvent } from "aws-lambda";
import { type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { DemoUser } from "../idp/demo-users.ts";
import type { IdpKeys } from "../idp/idp-keys.ts";
import type { CognitoClientSettings } from "./client-settings.ts";
import { CognitoMessages, notAuthorized } from "./errors.ts";
import { callTrigger, commonFields, type InvokeTrigger, invalidLambdaResponse, type TriggerContext } from "./triggers.ts";
import { userAttributesOf } from "./user-directory.ts";

/** The scope of every access token from the user-pool API; custom scopes come only from OAuth or a pre-token trigger. */
export const COGNITO_ADMIN_SCOPE = "aws.cognito.signin.user.admin";

/**
 * Claims a pre-token trigger may not add, change or suppress: the list in
 * Cognito's guide, plus the access token's own `client_id`, `scope` (changed
 * only through `scopesToAdd`/`scopesToSuppress`), `username` and `event_id`.
 * Cognito's reaction to a trigger that tries is not documented; the local
 * pool fails the sign-in (`InvalidLambdaResponseException`), so a trigger
 * that depends on it is caught here first.
 */
const protectedClaims = new Set([
  "acr",
  "amr",
  "aud",
  "at_hash",
  "auth_time",
  "azp",
  "client_id",
  "cognito:username",
  "event_id",
  "exp",
  "iat",
  "identities",
  "iss",
  "jti",
  "nbf",
  "nonce",
  "origin_jti",
  "scope",
  "sub",
  "token_use",
  "username",
]);

/** What one token issue is about: the sign-in (or refresh) and who it is for. */
export interface TokenRequest {
  readonly client: CognitoClientSettings;
  readonly user: DemoUser;
  readonly context: TriggerContext;
  /** Epoch seconds of the sign-in; unchanged by refreshes. */
  readonly authTime: number;
  /** The refresh-token family (one per sign-in): revoking it invalidates these tokens for Cognito's own APIs. */
  readonly originJti: string;
  /** One per authentication event. */
  readonly eventId: string;
  readonly triggerSource: "TokenGeneration_Authentication" | "TokenGeneration_RefreshTokens";
  readonly clientMetadata?: Record<string, string>;
}

export interface IssuedTokens {
  readonly accessToken: string;
  readonly idToken: string;
  /** Seconds the access token lives (`ExpiresIn`). */
  readonly expiresIn: number;
}

export interface TokenIssuerOptions {
  readonly keys: IdpKeys;
  /** `iss`: the local IdP's issuer, whose JWKS verifies these tokens. */
  readonly issuer: string;
  /** The pool's pre-token trigger, if it has one (always the `V2_0` event). */
  readonly preTokenGeneration: InvokeTrigger | undefined;
  readonly now: () => number;
}

type Claims = Record<string, unknown>;

interface Overrides {
  claimsToAddOrOverride: Claims;
  claimsToSuppress: string[];
}

/**
 * Mints ID and access tokens as Cognito shapes them for API sign-ins: RS256
 * with the local IdP's signing key (so its JWKS, and the API's authorizer,
 * verify them), Cognito's claims, and only `aws.cognito.signin.user.admin`
 * as the scope unless the pool's pre-token trigger (V2_0 event,
 * `claimsAndScopeOverrideDetails`) adds or suppresses scopes and claims.
 *
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
 */
export function createTokenIssuer(options: TokenIssuerOptions) {
  const signingJwk = options.keys.jwks.keys[0];
  if (!signingJwk) throw new TypeError("The IdP has no signing key");
  const privateKey: KeyObject = createPrivateKey({ key: { ...signingJwk }, format: "jwk" });
  const publicKey: KeyObject = createPublicKey(privateKey);
  const kid = signingJwk.kid;

  function sign(claims: Claims): Promise<string> {
    return new SignJWT(claims as JWTPayload).setProtectedHeader({ kid, alg: "RS256" }).sign(privateKey);
  }

  async function overridesFor(request: TokenRequest, scopes: string[]) {
    if (!options.preTokenGeneration) return undefined;
    const event: PreTokenGenerationV2TriggerEvent = {
      ...commonFields(request.context, request.user.username, "2"),
      triggerSource: request.triggerSource,
      request: {
        userAttributes: userAttributesOf(request.user),
        groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [] },
        scopes,
        ...(request.clientMetadata ? { clientMetadata: request.clientMetadata } : {}),
      },
      response: { claimsAndScopeOverrideDetails: null as never },
    };
    const result = await callTrigger(options.preTokenGeneration, "PreTokenGeneration", event);
    return parseOverrides((result.response as { claimsAndScopeOverrideDetails?: unknown } | null)?.claimsAndScopeOverrideDetails);
  }

  return {
    async issue(request: TokenRequest): Promise<IssuedTokens> {
      const iat = Math.floor(options.now() / 1000);
      const { client, user } = request;
      const overrides = await overridesFor(request, [COGNITO_ADMIN_SCOPE]);
      const scopes = [...new Set([COGNITO_ADMIN_SCOPE, ...(overrides?.scopesToAdd ?? [])])].filter(
        (scope) => !overrides?.scopesToSuppress.includes(scope),
      );
      // Claim order as Cognito writes them (only cosmetic: a decoded token reads the same as AWS's).
      const access = apply(
        {
          sub: user.sub,
          iss: options.issuer,
          client_id: client.clientId,
          origin_jti: request.originJti,
          event_id: request.eventId,
          token_use: "access",
          ...(scopes.length > 0 ? { scope: scopes.join(" ") } : {}),
          auth_time: request.authTime,
          exp: iat + client.accessTokenSeconds,
          iat,
          jti: randomUUID(),
          username: user.username,
        },
        overrides?.access,
      );
      const id = apply(
        {
          sub: user.sub,
          email_verified: user.emailVerified,
          iss: options.issuer,
          "cognito:username": user.username,
          origin_jti: request.originJti,
          aud: client.clientId,
          event_id: request.eventId,
          token_use: "id",
          auth_time: request.authTime,
          name: user.name,
          exp: iat + client.idTokenSeconds,
          iat,
          jti: randomUUID(),
          email: user.email,
        },
        overrides?.id,
      );
      return { accessToken: await sign(access), idToken: await sign(id), expiresIn: client.accessTokenSeconds };
    },

    /**
     * Checks an access token for Cognito's own token-authorized operations
     * (`GlobalSignOut`): signature, issuer, expiry, `token_use` and the admin
     * scope. Revocation is the caller's check.
     */
    async verifyAccessToken(token: string): Promise<JWTPayload> {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, publicKey, {
          issuer: options.issuer,
          algorithms: ["RS256"],
          currentDate: new Date(options.now()),
          clockTolerance: 0,
        }));
      } catch (error) {
        const expired = error instanceof Error && (error as { code?: string }).code === "ERR_JWT_EXPIRED";
        throw notAuthorized(expired ? CognitoMessages.accessTokenExpired : CognitoMessages.invalidAccessToken);
      }
      const scopes = typeof payload.scope === "string" ? payload.scope.split(" ") : [];
      if (payload.token_use !== "access") throw notAuthorized(CognitoMessages.invalidAccessToken);
      if (!scopes.includes(COGNITO_ADMIN_SCOPE)) throw notAuthorized("Access Token does not have required scopes");
      return payload;
    },

    /** True when the string is a JWT this pool signed (of any `token_use`), whatever its expiry. */
    async isOwnJwt(token: string): Promise<boolean> {
      try {
        await jwtVerify(token, publicKey, { issuer: options.issuer, algorithms: ["RS256"], currentDate: new Date(0) });
        return true;
      } catch {
        return false;
      }
    },
  };
}

export type TokenIssuer = ReturnType<typeof createTokenIssuer>;

function apply(claims: Claims, overrides: Overrides | undefined): Claims {
  if (!overrides) return claims;
  const result: Claims = { ...claims, ...overrides.claimsToAddOrOverride };
  // "If a value is both suppressed and replaced, then it will be suppressed." (Cognito's guide)
  for (const name of overrides.claimsToSuppress) delete result[name];
  return result;
}

interface ParsedOverrides {
  access: Overrides;
  id: Overrides;
  scopesToAdd: string[];
  scopesToSuppress: string[];
}

/** Reads `claimsAndScopeOverrideDetails`; anything malformed or touching a protected claim is `InvalidLambdaResponseException`. */
function parseOverrides(details: unknown): ParsedOverrides {
  const empty: ParsedOverrides = {
    access: { claimsToAddOrOverride: {}, claimsToSuppress: [] },
    id: { claimsToAddOrOverride: {}, claimsToSuppress: [] },
    scopesToAdd: [],
    scopesToSuppress: [],
  };
  if (details === undefined || details === null) return empty;
  if (!isRecord(details)) throw invalidLambdaResponse();
  const access = optionalRecord(details.accessTokenGeneration);
  const id = optionalRecord(details.idTokenGeneration);
  return {
    access: claimOverrides(access),
    id: claimOverrides(id),
    scopesToAdd: scopeList(access.scopesToAdd),
    scopesToSuppress: scopeList(access.scopesToSuppress),
  };
}

function claimOverrides(part: Record<string, unknown>): Overrides {
  const add = optionalRecord(part.claimsToAddOrOverride);
  const suppress = part.claimsToSuppress ?? [];
  if (!Array.isArray(suppress) || !suppress.every((name) => typeof name === "string")) throw invalidLambdaResponse();
  if ([...Object.keys(add), ...suppress].some((name) => protectedClaims.has(name))) throw invalidLambdaResponse();
  return { claimsToAddOrOverride: add, claimsToSuppress: suppress };
}

function scopeList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((scope) => typeof scope === "string" && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))) {
    throw invalidLambdaResponse();
  }
  return value;
}

function optionalRecord(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw invalidLambdaResponse();
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
