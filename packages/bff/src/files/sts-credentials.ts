import { AssumeRoleWithWebIdentityCommand, type AssumeRoleWithWebIdentityCommandOutput, STSClient } from "@aws-sdk/client-sts";
import { ConfigError, ErrorCodes, ForbiddenError, isLoopbackUrl, UnauthenticatedError, UpstreamError } from "@spa-bff/core";
import type { CredentialsProvider, FileCredentials } from "./credentials.ts";

/** STS's shortest lifetime: a stolen set is worth little, and the BFF renews them from the session's ID token. */
export const federatedSessionSeconds = 900;

export interface StsCredentialsOptions {
  /** The federated role; its trust policy requires the IdP's audience (the web client id). */
  roleArn: string;
  region?: string;
  /** The local STS (loopback only). Leave unset in AWS. */
  endpoint?: string;
  /** An existing client (tests pass one; Lambda reuses one per container). */
  client?: STSClient;
  durationSeconds?: number;
}

/**
 * The role session name for a subject: STS allows `[\w+=,.@-]`, 2 to 64
 * characters. Other characters (Auth0's `|`) become `-`. The name only
 * labels the session in CloudTrail; the policy scopes access by the token's
 * `sub` claim, not by this name.
 *
 * @example
 * roleSessionName("auth0|5f7c1e"); // "auth0-5f7c1e"
 */
export function roleSessionName(sub: string): string {
  const name = sub.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
  return name.length >= 2 ? name : name.padEnd(2, "_");
}

/**
 * Credentials through `AssumeRoleWithWebIdentity` with the session's ID
 * token. This is the call seed 002 makes with an Auth0 token; here the BFF
 * makes it, so the browser never sees the credentials. It works for any IdP
 * the IAM OIDC provider trusts (Cognito or Auth0).
 *
 * Errors: an expired ID token gives `UnauthenticatedError`
 * (`session_expired`, 401: refresh the tokens or sign in again); a refused
 * token or trust policy (`AccessDenied`, `IDPRejectedClaim`,
 * `InvalidIdentityToken`) gives `ForbiddenError` (403); anything else
 * `UpstreamError` (502). The token never appears in an error.
 *
 * @example
 * const provider = createStsCredentialsProvider({ roleArn: config.roleArn, region: "eu-west-1" });
 * const creds = await provider.getCredentials({ sub, idToken, now });
 */
export function createStsCredentialsProvider(options: StsCredentialsOptions): CredentialsProvider {
  if (options.endpoint !== undefined && !isLoopbackUrl(options.endpoint)) {
    throw new ConfigError(`Invalid STS endpoint "${options.endpoint}". Expected: a loopback URL (the local STS); leave unset in AWS`);
  }
  const client =
    options.client ??
    new STSClient({ ...(options.region ? { region: options.region } : {}), ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
  const durationSeconds = options.durationSeconds ?? federatedSessionSeconds;
  return {
    async getCredentials({ sub, idToken }): Promise<FileCredentials> {
      let output: AssumeRoleWithWebIdentityCommandOutput;
      try {
        output = await client.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: options.roleArn,
            RoleSessionName: roleSessionName(sub),
            WebIdentityToken: idToken,
            DurationSeconds: durationSeconds,
          }),
        );
      } catch (error) {
        throw mapStsError(error);
      }
      const creds = output.Credentials;
      if (!creds?.AccessKeyId || !creds.SecretAccessKey || !creds.SessionToken || !(creds.Expiration instanceof Date)) {
        throw new UpstreamError("STS answered without credentials");
      }
      return {
        accessKeyId: creds.AccessKeyId,
        secretAccessKey: creds.SecretAccessKey,
        sessionToken: creds.SessionToken,
        expiresAt: Math.floor(creds.Expiration.getTime() / 1000),
      };
    },
  };
}

function mapStsError(error: unknown): Error {
  // Only the error's name travels on; STS messages can quote parts of the token.
  const name = (error as { name?: unknown }).name;
  const cause = { name: typeof name === "string" ? name : "unknown" };
  switch (name) {
    case "ExpiredTokenException":
      return new UnauthenticatedError("The sign-in has expired; sign in again", { code: ErrorCodes.sessionExpired, cause });
    case "AccessDenied":
    case "AccessDeniedException":
    case "IDPRejectedClaimException":
    case "InvalidIdentityTokenException":
      return new ForbiddenError("File storage is not available to this account", { cause });
    default:
      return new UpstreamError("The credentials service is unavailable", { cause });
  }
}
