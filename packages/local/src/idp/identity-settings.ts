import { type LoginMode, m2mClient, type RotationSettings, webClient } from "@spa-bff/core/infra";
import type { CognitoClientSettings, ExplicitAuthFlow } from "../cognito/client-settings.ts";

/**
 * The part of the stage's identity declaration (`@spa-bff/core/infra`) the
 * local IdP reads: the same values `stacks/` gives the Cognito user pool.
 * It is a parameter, not a copy, so a test can pass a changed declaration
 * and see the IdP follow it; nothing else can tune a lifetime or a scope.
 */
export interface IdentityDeclaration {
  readonly webClient: {
    readonly accessTokenSeconds: number;
    readonly idTokenSeconds: number;
    /** Counted from the sign-in; rotation does not extend it (Cognito's rule). */
    readonly refreshTokenSeconds: number;
    readonly refreshTokenRotation: RotationSettings;
    /** OAuth scopes the client may ask for (`allowedOauthScopes`). */
    readonly scopes: readonly string[];
    /** OAuth flows on the hosted page per login mode: `["code"]`, or none. */
    readonly allowedOauthFlows: (mode: LoginMode) => readonly string[];
    /** Cognito API flows per login mode (`ExplicitAuthFlows`). */
    readonly explicitAuthFlows: (mode: LoginMode) => readonly string[];
    readonly preventUserExistenceErrors: boolean;
    readonly enableTokenRevocation: boolean;
  };
  readonly m2mClient: {
    readonly accessTokenSeconds: number;
    /** The only scopes a client-credentials request may ask for; any other is `invalid_scope`. */
    readonly scopes: readonly string[];
  };
}

/** The declaration every stage deploys; what `startIdp` follows unless a test passes another. */
export const declaredIdentity: IdentityDeclaration = { webClient, m2mClient };

/**
 * The web client of the local Cognito API (the branded sign-in's
 * `InitiateAuth`, `GetTokensFromRefreshToken`, `RevokeToken`), from the same
 * declaration as the IdP's OAuth client, so both paths issue tokens with the
 * same lifetimes and rotation.
 *
 * @example
 * startIdp({ …, loginMode: "branded", cognito: { userPoolId, clients: [cognitoWebClient(declaredIdentity, "branded", clients.web)] } });
 */
export function cognitoWebClient(
  identity: IdentityDeclaration,
  mode: LoginMode,
  client: { readonly clientId: string; readonly clientSecret: string },
): CognitoClientSettings {
  const web = identity.webClient;
  return {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    explicitAuthFlows: web.explicitAuthFlows(mode) as readonly ExplicitAuthFlow[],
    refreshTokenRotation: web.refreshTokenRotation,
    accessTokenSeconds: web.accessTokenSeconds,
    idTokenSeconds: web.idTokenSeconds,
    refreshTokenSeconds: web.refreshTokenSeconds,
    preventUserExistenceErrors: web.preventUserExistenceErrors,
    enableTokenRevocation: web.enableTokenRevocation,
  };
}
