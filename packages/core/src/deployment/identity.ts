/**
 * The identity provider of a stage, as both readers see it: `stacks/`
 * configures the Cognito user pool, its clients and resource server with
 * these values, and the local IdP issues tokens with the same lifetimes,
 * rotation, clients and scopes.
 */

/** How users sign in on a stage. */
export type LoginMode = "hosted" | "branded";

/** The resource server of the items API and its scopes, in Cognito's `<identifier>/<name>` form. */
export const resourceServer = {
  identifier: "items",
  name: "Items API",
  scopes: [
    { name: "read", description: "Read items" },
    { name: "write", description: "Create and delete items" },
  ],
} as const;

export const itemsScopes = { read: "items/read", write: "items/write" } as const;

/** Refresh-token rotation: every refresh answers a new refresh token; the spent one works for the grace period only. */
export interface RotationSettings {
  readonly enabled: boolean;
  /** Seconds a spent refresh token still works (Cognito: 0 to 60), so a refresh whose answer was lost can be retried. */
  readonly retryGraceSeconds: number;
}

/** The confidential web client of the BFF. */
export const webClient = {
  accessTokenSeconds: 15 * 60,
  idTokenSeconds: 15 * 60,
  refreshTokenSeconds: 8 * 3600,
  refreshTokenRotation: { enabled: true, retryGraceSeconds: 10 } satisfies RotationSettings,
  scopes: ["openid", "email", "profile", itemsScopes.read, itemsScopes.write],
  /**
   * Cognito API flows the client allows. Hosted: none for sign-in (the code
   * flow runs on the hosted page). Branded: only the custom challenge, which
   * asks for the password by SRP and then the emailed code; never
   * USER_PASSWORD_AUTH or USER_SRP_AUTH, which would skip the code.
   */
  explicitAuthFlows: (mode: LoginMode): readonly string[] =>
    mode === "branded" ? ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] : ["ALLOW_REFRESH_TOKEN_AUTH"],
  /** OAuth flows on the hosted page: the code flow in hosted mode only, so a branded stage has no way around the second factor. */
  allowedOauthFlows: (mode: LoginMode): readonly string[] => (mode === "hosted" ? ["code"] : []),
  preventUserExistenceErrors: true,
  enableTokenRevocation: true,
} as const;

/** The machine-to-machine client of the scheduled job. */
export const m2mClient = {
  accessTokenSeconds: 60 * 60,
  scopes: [itemsScopes.read],
  /** The only OAuth flow: a machine signs in with its own secret, never as a user. */
  allowedOauthFlows: ["client_credentials"],
  /**
   * Cognito API flows: stated, because an empty list means Cognito's default
   * (SRP password, custom auth and refresh), which would let a user's password
   * sign in through this client.
   */
  explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
} as const;

/**
 * A branded sign-in's tokens carry no custom scopes by themselves (Cognito
 * grants only `aws.cognito.signin.user.admin` through its API); the
 * pre-token-generation trigger adds these, in both the stacks and locally.
 */
export const brandedTokenScopes = [itemsScopes.read, itemsScopes.write] as const;

/**
 * How long API Gateway keeps an authorizer's answer for one Authorization
 * header, and how early callers refresh an access token. The cache must end
 * before the token does: a token first seen with just over `refreshSkewSeconds`
 * left is refreshed by its caller before its cached answer could outlive it.
 */
export const tokenTiming = {
  authorizerCacheSeconds: 60,
  refreshSkewSeconds: 120,
} as const;
