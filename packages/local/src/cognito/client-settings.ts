import { ConfigError } from "@spa-bff/core";

/** The `ExplicitAuthFlows` values of a Cognito app client. */
export type ExplicitAuthFlow =
  | "ALLOW_ADMIN_USER_PASSWORD_AUTH"
  | "ALLOW_CUSTOM_AUTH"
  | "ALLOW_REFRESH_TOKEN_AUTH"
  | "ALLOW_USER_AUTH"
  | "ALLOW_USER_PASSWORD_AUTH"
  | "ALLOW_USER_SRP_AUTH";

const explicitAuthFlows: readonly ExplicitAuthFlow[] = [
  "ALLOW_ADMIN_USER_PASSWORD_AUTH",
  "ALLOW_CUSTOM_AUTH",
  "ALLOW_REFRESH_TOKEN_AUTH",
  "ALLOW_USER_AUTH",
  "ALLOW_USER_PASSWORD_AUTH",
  "ALLOW_USER_SRP_AUTH",
];

/**
 * One app client of the local user pool, in the terms of Cognito's
 * `CreateUserPoolClient` (the lead feeds it from the declaration the stacks
 * deploy). Lifetimes are in seconds here; the stacks may state them in other
 * units.
 */
export interface CognitoClientSettings {
  /** Cognito's pattern: `[\w+]+`, at most 128 characters. */
  readonly clientId: string;
  /** Leave out for a public client; with a secret, every call must prove it (`SECRET_HASH` or `ClientSecret`). */
  readonly clientSecret?: string;
  readonly explicitAuthFlows: readonly ExplicitAuthFlow[];
  /** `RefreshTokenRotation`: `retryGraceSeconds` is `RetryGracePeriodSeconds` (0–60). */
  readonly refreshTokenRotation: { readonly enabled: boolean; readonly retryGraceSeconds: number };
  /** `AccessTokenValidity`: 5 minutes to 1 day. */
  readonly accessTokenSeconds: number;
  /** `IdTokenValidity`: 5 minutes to 1 day. */
  readonly idTokenSeconds: number;
  /** `RefreshTokenValidity`: 1 hour to 10 years, counted from the sign-in (rotation does not extend it). */
  readonly refreshTokenSeconds: number;
  /** `PreventUserExistenceErrors: ENABLED`: an unknown user gets a fake SRP challenge, then `NotAuthorizedException`. */
  readonly preventUserExistenceErrors: boolean;
  /** `EnableTokenRevocation`; Cognito's default for a new client is on. */
  readonly enableTokenRevocation?: boolean;
  /** `AuthSessionValidity` (3–15 minutes): how long a `Session` string may be answered. Default 3 minutes. */
  readonly authSessionSeconds?: number;
}

const clientIdPattern = /^[\w+]{1,128}$/;

function inRange(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Checks app client settings against the ranges Cognito accepts, and throws
 * one `ConfigError` naming every problem, so a declaration the deployed pool
 * would refuse fails locally first.
 *
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
 */
export function validateClientSettings(clients: readonly CognitoClientSettings[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const client of clients) {
    const name = `"${client.clientId}"`;
    if (!clientIdPattern.test(client.clientId)) problems.push(`clientId ${name}: expected [\\w+]{1,128}`);
    if (seen.has(client.clientId)) problems.push(`clientId ${name}: declared twice`);
    seen.add(client.clientId);
    if (client.clientSecret !== undefined && client.clientSecret.length === 0) problems.push(`${name}: clientSecret is empty`);
    for (const flow of client.explicitAuthFlows) {
      if (!explicitAuthFlows.includes(flow)) problems.push(`${name}: unknown explicit auth flow "${flow}"`);
    }
    const grace = client.refreshTokenRotation.retryGraceSeconds;
    if (!inRange(grace, 0, 60)) problems.push(`${name}: refreshTokenRotation.retryGraceSeconds ${grace}, expected 0–60`);
    if (!inRange(client.accessTokenSeconds, 300, 86_400))
      problems.push(`${name}: accessTokenSeconds ${client.accessTokenSeconds}, expected 300–86400`);
    if (!inRange(client.idTokenSeconds, 300, 86_400)) problems.push(`${name}: idTokenSeconds ${client.idTokenSeconds}, expected 300–86400`);
    if (!inRange(client.refreshTokenSeconds, 3_600, 315_360_000)) {
      problems.push(`${name}: refreshTokenSeconds ${client.refreshTokenSeconds}, expected 3600–315360000 (1 hour to 10 years)`);
    }
    const session = client.authSessionSeconds;
    if (session !== undefined && !inRange(session, 180, 900)) problems.push(`${name}: authSessionSeconds ${session}, expected 180–900`);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid local Cognito app client settings: ${problems.join("; ")}`);
}
