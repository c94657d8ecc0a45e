import type { IncomingMessage, ServerResponse } from "node:http";
import { ConfigError, createLogger, type Logger } from "@spa-bff/core";
import type { DemoUser } from "../idp/demo-users.ts";
import type { IdpKeys } from "../idp/idp-keys.ts";
import type { TokenHolds } from "../idp/token-holds.ts";
import { createAuthSessionStore } from "./auth-sessions.ts";
import { type CognitoClientSettings, validateClientSettings } from "./client-settings.ts";
import { type AuthFlow, createCustomAuth } from "./custom-auth.ts";
import { type CognitoIamOptions, createJsonProtocolHandler } from "./json-protocol.ts";
import type { CallerInfo, CognitoCounters, PoolContext } from "./pool-context.ts";
import { createRefreshTokenStore } from "./refresh-tokens.ts";
import { initiateAuth, respondToAuthChallenge } from "./sign-in-operations.ts";
import { createTokenIssuer } from "./token-issuer.ts";
import { adminUserGlobalSignOut, getTokensFromRefreshToken, globalSignOut, revokeToken } from "./token-operations.ts";
import { awsSdkVersionOf, type CognitoTriggers } from "./triggers.ts";
import { createUserDirectory } from "./user-directory.ts";

/** Cognito's user pool id: `<region>_<id>`, e.g. `eu-west-1_AbCdEf123` (the BFF checks the same shape). */
const userPoolIdPattern = /^([a-z]{2}(?:-[a-z]+)+-\d)_[0-9A-Za-z]+$/;

export interface LocalCognitoOptions {
  /** `<region>_<id>`; the region is the prefix (SRP also hashes the part after `_`). */
  readonly userPoolId: string;
  /** For the pool's ARN in IAM decisions. Default `000000000000`. */
  readonly accountId?: string;
  readonly clients: readonly CognitoClientSettings[];
  readonly users: readonly DemoUser[];
  /** The local IdP's keys: tokens are signed with its first signing key. */
  readonly keys: IdpKeys;
  /** `iss` of the tokens: the local IdP's issuer. */
  readonly issuer: string;
  /** The pool's Lambda triggers and how they run. */
  readonly triggers: CognitoTriggers;
  /** SigV4 credentials (and grants) for the IAM-authorized admin operations; without it they are refused. */
  readonly iam?: CognitoIamOptions;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
  readonly logger?: Logger;
  /**
   * After `GlobalSignOut` or `AdminUserGlobalSignOut` of the user `sub`:
   * ends what the user holds outside this API. The local IdP passes one
   * that ends the user's code-flow grants, since Cognito's global sign-out
   * ends the hosted sign-in's refresh tokens too.
   */
  readonly signOutElsewhere?: (sub: string) => Promise<void>;
  /** For tests: the local IdP's holds, which may take refresh requests (`refresh_token`); see `createTokenHolds`. */
  readonly holds?: TokenHolds;
}

/** A running local stand-in for the Cognito user-pool API. */
export interface LocalCognito {
  readonly userPoolId: string;
  readonly region: string;
  /** The pool's ARN, as IAM policies name it. */
  readonly arn: string;
  /** A snapshot of what it has done so far. */
  readonly counters: Readonly<CognitoCounters>;
  /** Serves `POST /` with `X-Amz-Target: AWSCognitoIdentityProviderService.*`; `false` for any other request. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

const iamOperations = new Set(["AdminUserGlobalSignOut"]);

/** The OAuth grant type a request stands for, so a hold on `refresh_token` takes the API's refreshes too. */
function grantTypeOf(operation: string, input: Record<string, unknown>): string | undefined {
  if (operation === "GetTokensFromRefreshToken") return "refresh_token";
  if (operation === "InitiateAuth" && (input.AuthFlow === "REFRESH_TOKEN_AUTH" || input.AuthFlow === "REFRESH_TOKEN"))
    return "refresh_token";
  return undefined;
}

/**
 * A local stand-in for the Cognito user-pool API (`cognito-idp`, AWS JSON
 * 1.1), so the BFF's real `CognitoIdentityProviderClient`, given this as its
 * `endpoint`, signs users in as it would against Cognito: `InitiateAuth`
 * (`CUSTOM_AUTH` with SRP, `REFRESH_TOKEN_AUTH` without rotation),
 * `RespondToAuthChallenge`, `GetTokensFromRefreshToken`, `RevokeToken`,
 * `GlobalSignOut` and the IAM-authorized `AdminUserGlobalSignOut`. Any
 * other operation is `UnknownOperationException`.
 *
 * What is Cognito's: the custom-auth orchestration over the injected
 * triggers, SRP checked by the pool, opaque single-use `Session` strings
 * that expire, `SECRET_HASH` on every call, PreventUserExistenceErrors,
 * token claims and lifetimes, rotation with a retry grace period, and the
 * error names and (where known) messages. Where it is stricter than
 * Cognito: a rotated-out refresh token presented again revokes its whole
 * family (see `createRefreshTokenStore`).
 *
 * @example
 * const cognito = createLocalCognito({ userPoolId: "eu-west-1_Local1", clients, users, keys, issuer, triggers });
 * // mounted by startIdp({ cognito: … }); the SDK: new CognitoIdentityProviderClient({ region: cognito.region, endpoint: idp.issuer })
 */
export function createLocalCognito(options: LocalCognitoOptions): LocalCognito {
  const match = userPoolIdPattern.exec(options.userPoolId);
  if (!match?.[1])
    throw new ConfigError(`Invalid local user pool id "${options.userPoolId}". Expected: <region>_<id>, e.g. eu-west-1_Local1`);
  validateClientSettings(options.clients);
  const region = match[1];
  const accountId = options.accountId ?? "000000000000";
  const arn = `arn:aws:cognito-idp:${region}:${accountId}:userpool/${options.userPoolId}`;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createLogger("local-cognito");
  const users = createUserDirectory(options.users, options.userPoolId);
  const configured = new Set(options.triggers.configured);
  const counters: CognitoCounters = {
    signIns: 0,
    failedSignIns: 0,
    refreshes: 0,
    tokensIssued: 0,
    revocations: 0,
    globalSignOuts: 0,
    reuseDetections: 0,
  };
  const pool: PoolContext = {
    region,
    userPoolId: options.userPoolId,
    accountId,
    clients: new Map(options.clients.map((client) => [client.clientId, client])),
    users,
    triggers: configured,
    customAuth: createCustomAuth({
      invokeTrigger: options.triggers.invokeTrigger,
      srpServerFor: (flow: AuthFlow) => (flow.user ? users.srpServerFor(flow.user) : users.fakeSrpServerFor(flow.username)),
    }),
    sessions: createAuthSessionStore({ now }),
    tokens: createTokenIssuer({
      keys: options.keys,
      issuer: options.issuer,
      preTokenGeneration: configured.has("PreTokenGeneration") ? options.triggers.invokeTrigger : undefined,
      now,
    }),
    refreshTokens: createRefreshTokenStore({ now }),
    counters,
    logger,
    now,
    signOutElsewhere: options.signOutElsewhere ?? (async () => undefined),
  };
  const holds = options.holds;
  const caller = (headers: IncomingMessage["headers"]): CallerInfo => {
    const agent = headers["x-amz-user-agent"] ?? headers["user-agent"];
    return { awsSdkVersion: awsSdkVersionOf(Array.isArray(agent) ? agent[0] : agent) };
  };
  const handle = createJsonProtocolHandler({
    operations: {
      InitiateAuth: (input, request) => initiateAuth(pool, input, caller(request.headers)),
      RespondToAuthChallenge: (input) => respondToAuthChallenge(pool, input),
      GetTokensFromRefreshToken: (input, request) => getTokensFromRefreshToken(pool, input, caller(request.headers)),
      RevokeToken: (input) => revokeToken(pool, input),
      GlobalSignOut: (input) => globalSignOut(pool, input),
      AdminUserGlobalSignOut: (input) => adminUserGlobalSignOut(pool, input),
    },
    iamOperations,
    iam: options.iam,
    region,
    resourceArn: arn,
    now,
    // Operation, status and error name only: never a body, a token, a session or a user name.
    onResult: (result) => logger.info("cognito request", { event: "cognito_request", ...result }),
    ...(holds
      ? {
          holdFor: (operation: string, input: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) => {
            const grantType = holds.active ? grantTypeOf(operation, input) : undefined;
            return grantType ? holds.claim(grantType, req, res) : undefined;
          },
        }
      : {}),
  });
  return {
    userPoolId: options.userPoolId,
    region,
    arn,
    get counters() {
      return { ...counters };
    },
    handle,
  };
}
