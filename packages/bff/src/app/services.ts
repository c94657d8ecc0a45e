import type { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createIdentifierHash, createLogger, type IdentifierHash, type Logger, lazy, lazyService } from "@spa-bff/core";
import { createDynamoClient } from "@spa-bff/core/dynamo";
import { type Audit, createAudit } from "../audit.ts";
import { createCognitoTokens } from "../auth/cognito-tokens.ts";
import type { IdpTokens } from "../auth/idp-tokens.ts";
import { createOidcClient, type OidcClient } from "../auth/oidc-client.ts";
import type { BffConfig } from "../config.ts";
import type { Files } from "../files/create-files.ts";
import { createUpstream, type Upstream } from "../proxy/upstream.ts";
import { createTokenRefresher, type EnsureFresh } from "../refresh/token-refresher.ts";
import { createDynamoSessionStore } from "../session/dynamo-session-store.ts";
import type { SessionStore } from "../session/session-store.ts";
import { createSessions } from "../session/sessions.ts";
import type { KeyProvider, Sealer, SessionService } from "../session/types.ts";
import { createUserSessions, type UserSessions } from "../session/user-sessions.ts";

/** Epoch seconds. */
export type Clock = () => number;

/**
 * The adapters a function is built from; anything left out is built from
 * the config. Tests, the benchmarks and fault suites replace some of them
 * (an in-memory session store, a mocked KMS sealer, a fake upstream).
 */
export interface BffAdapters {
  /** Raw session storage; DynamoDB by default. */
  sessionStore: SessionStore;
  /** The envelope sealer; KMS or the local key file by default. */
  sealer: Sealer;
  logger: Logger;
  clock: Clock;
  /** Fetch for the private API. */
  upstreamFetch: typeof fetch;
  /** Fetch for the IdP (discovery, token, revocation). */
  idpFetch: typeof fetch;
  /** The Cognito API client of the branded sign-in; by default one in the user pool's region. */
  cognito: Pick<CognitoIdentityProviderClient, "send">;
  /** File storage and credentials of the `/files` routes. */
  files: Files;
}

/** Everything the routes of one function may use, each built at most once per instance and only when first used. */
export interface BffServices {
  logger: Logger;
  clock: Clock;
  audit: Audit;
  /** The keyed hash of every stored or logged identifier (`IDENTIFIER_HASH_KEY`). */
  hash: IdentifierHash;
  sealer: Sealer;
  /** The raw sessions table (links, replay markers and counters live beside the sessions). */
  store: SessionStore;
  sessions: SessionService;
  /** A user's sessions: the list, and ending one, all, or an IdP session's. */
  userSessions: UserSessions;
  /** Refresh, revoke and end-session of whichever IdP signed the user in. */
  idp: IdpTokens;
  /** The code flow, only with the hosted login (a branded stage has no way to the IdP's page). */
  oidc: OidcClient | undefined;
  upstream: Upstream;
  refresher: EnsureFresh;
  /** The function's one DynamoDB client, built on first use (sessions; the sign-in counters). */
  dynamodb: () => Promise<DynamoDBClient>;
}

/**
 * The composition root shared by every BFF function: builds the adapters
 * they all use from the validated config, each lazily (the KMS client and
 * openid-client load on first use, so a cold start pays only for what its
 * first request needs). A route group adds what only it uses (the sign-in,
 * the file storage). Routes receive pieces of this, never the config.
 *
 * @example
 * const services = createServices(loadBffConfig(process.env));
 */
export function createServices(config: BffConfig, adapters: Partial<BffAdapters> = {}): BffServices {
  const logger = adapters.logger ?? createLogger("bff");
  const clock = adapters.clock ?? (() => Math.floor(Date.now() / 1000));
  const audit = createAudit(logger);
  const hash = createIdentifierHash(config.identifierHashKey);
  const dynamodb = lazy(() => createDynamoClient({ region: config.region, endpoint: config.dynamodbEndpoint }));
  const sealer =
    adapters.sealer ?? lazyService<Sealer>(async () => (await import("../session/sealer.ts")).createSealer(await keyProvider(config)));
  const store =
    adapters.sessionStore ??
    lazyService<SessionStore>(async () => createDynamoSessionStore({ client: await dynamodb(), tableName: config.sessionTable }));
  const sessions = createSessions({ store, sealer, policy: config.session, hash, logger });
  const login = config.login;
  const oidc =
    login.mode === "hosted"
      ? createOidcClient(config, {
          ...(adapters.idpFetch ? { fetch: adapters.idpFetch } : {}),
          timeoutSeconds: Math.max(1, Math.floor(config.upstreamTimeoutMs / 1000)),
        })
      : undefined;
  const idp: IdpTokens =
    oidc ??
    createCognitoTokens({
      userPoolId: login.mode === "branded" ? login.userPoolId : "",
      clientId: config.oidc.clientId,
      clientSecret: config.oidc.clientSecret ?? "",
      postLogoutRedirectUri: config.postLogoutRedirectUri,
      ...(login.mode === "branded" && login.endpoint ? { endpoint: login.endpoint } : {}),
      ...(adapters.cognito ? { client: adapters.cognito } : {}),
    });
  const userSessions = createUserSessions({ store, revocation: { sealer, revoke: (token) => idp.revoke(token) }, logger });
  const upstream = createUpstream({
    baseUrl: config.apiBaseUrl,
    timeoutMs: config.upstreamTimeoutMs,
    ...(adapters.upstreamFetch ? { fetch: adapters.upstreamFetch } : {}),
  });
  const refresher = createTokenRefresher({
    sessions,
    idp,
    audit,
    clock,
    skewSeconds: config.refreshSkewSeconds,
    leaseSeconds: config.refreshLeaseSeconds,
  });

  return { logger, clock, audit, hash, dynamodb, sealer, store, sessions, userSessions, idp, oidc, upstream, refresher };
}

async function keyProvider(config: BffConfig): Promise<KeyProvider> {
  if (config.keyProvider.kind === "local") {
    return (await import("../session/local-key-provider.ts")).createLocalKeyProvider({ file: config.keyProvider.file });
  }
  const [{ createKmsKeyProvider }, { KMSClient }] = await Promise.all([
    import("../session/kms-key-provider.ts"),
    import("../session/kms-sdk.ts"),
  ]);
  return createKmsKeyProvider({ client: new KMSClient(config.region ? { region: config.region } : {}), keyId: config.keyProvider.keyId });
}
