/**
 * Composes the local platform: dynalite, the IdP, the private REST API
 * gateway (authorizer + items API) and the edge (BFF + SPA). The handlers are
 * the same factories the Lambda entries use; only their configuration differs.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BffAdapters, type BffConfig, createBffHandler, loadBffConfig } from "@spa-bff/bff";
import type { LocalOperatorFile } from "@spa-bff/bff/operator";
import { createLocalKeyProvider, defaultKeyContext } from "@spa-bff/bff/session";
import { bffOrigins, brandedTokenScopes, type FunctionId, functions, type LoginMode, routeRules, tokenTiming } from "@spa-bff/core/infra";
import { createLocalIam, type LocalIam, type LocalSts, localAdminCredentials, localArnResolver, startLocalSts } from "./aws/index.ts";
import type { CognitoTriggers, TriggerName } from "./cognito/triggers.ts";
import { ensureTables, startDynamo } from "./dynamo/index.ts";
import { type EdgeOptions, startEdge } from "./edge/index.ts";
import { startGateway } from "./gateway/index.ts";
import { cognitoWebClient, type DemoUser, declaredIdentity, defaultDemoUsers, type IdpProfile, startIdp } from "./idp/index.ts";
import { startFunctionUrlServer } from "./lambda/function-url-server.ts";
import {
  type InstanceMemory,
  type Invoke,
  inProcess,
  type LocalFunctionLimits,
  type PoolEvent,
  type PoolStats,
  startLocalFunctions,
} from "./lambda/index.ts";
import { startS3 } from "./s3/index.ts";
import { startSes } from "./ses/index.ts";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export interface PlatformPorts {
  edge: number;
  idp: number;
  api: number;
  dynamo: number;
  /** The local S3 of direct uploads. */
  s3: number;
}

export interface PlatformOptions {
  /** 0 picks a free port (tests). Defaults: 3000, 3001, 3002, 8000; the S3 port defaults to a free one (the CLI asks for 3003). */
  ports?: Partial<PlatformPorts>;
  /** Folder for keys, client secrets and DynamoDB data; `null` keeps everything in memory (tests). */
  dataDir?: string | null;
  spa?: EdgeOptions["spa"];
  users?: DemoUser[];
  /** Extra BFF environment (timeouts, session limits) layered over the defaults. */
  bffEnv?: Record<string, string>;
  /** Authorizer result cache of the local gateway, in seconds; default the stacks' (`tokenTiming.authorizerCacheSeconds`). */
  authorizerCacheTtlSeconds?: number;
  /** How many instances each function may have, when idle ones retire, test overrides of timeouts. */
  functions?: LocalFunctionLimits;
  /**
   * How users sign in (`LOGIN_MODE`): the IdP's hosted page and the code flow
   * (default), or the BFF's branded form over the Cognito API's custom
   * challenge (password by SRP, then a one-time code by email).
   */
  loginMode?: LoginMode;
  /**
   * Which provider the local IdP plays: `cognito` (default, what a stage
   * deploys) or `oidc`, a generic OpenID provider with an end-session
   * endpoint and OIDC Back-Channel Logout to the BFF's
   * `/auth/backchannel-logout` (Cognito sends none).
   */
  idpProfile?: IdpProfile;
  /** The private API the BFF proxies to, instead of the local gateway (a recording stand-in in the proxy's tests). */
  apiBaseUrl?: string;
  /**
   * Adapters (a clock, a logger, a mocked KMS sealer) for a BFF that runs in
   * this process with these seams, instead of the BFF's function pools; see
   * `Platform.replaceBff`.
   */
  bffAdapters?: (config: BffConfig) => Partial<BffAdapters>;
}

export interface LocalClients {
  web: { clientId: string; clientSecret: string };
  m2m: { clientId: string; clientSecret: string };
}

export interface Platform {
  /** `backchannel`: the back-channel logout receiver's own function URL, with the `oidc` IdP profile only. */
  urls: { app: string; idp: string; api: string; dynamo: string; s3: string; backchannel?: string };
  loginMode: LoginMode;
  /** The local user pool's id (the Cognito API is served at the IdP's URL). */
  userPoolId: string;
  ports: PlatformPorts;
  clients: LocalClients;
  users: DemoUser[];
  tables: { Sessions: string; Items: string; SignInAttempts: string };
  parts: {
    idp: Awaited<ReturnType<typeof startIdp>>;
    dynamo: Awaited<ReturnType<typeof startDynamo>>;
    gateway: Awaited<ReturnType<typeof startGateway>>;
    edge: Awaited<ReturnType<typeof startEdge>>;
    s3: Awaited<ReturnType<typeof startS3>>;
    /** The local account: role credentials, web-identity sessions, policy evaluation. */
    iam: LocalIam;
    sts: LocalSts;
  };
  /** The BFF's environment as the platform configured it (no secrets are logged from it). */
  bffEnv: Record<string, string>;
  /** The BFF's parsed configuration. */
  bffConfig: BffConfig;
  /** Replaces the edge's BFF by a new in-process instance with these adapters (a cold start: empty caches, no discovery yet). */
  replaceBff(adapters?: Partial<BffAdapters>): void;
  /** Every function's events (cold starts, invocations, throttles, timeouts), as `sst dev` shows its invocations. */
  onFunctionEvent(listener: (event: PoolEvent) => void): () => void;
  /** Instances started, concurrency and invocations per instance, by function. */
  functionStats(): Partial<Record<FunctionId, PoolStats>>;
  /** The heap and process RSS seen inside each warm instance of a function (the benchmark's memory per instance); with `collect`, after a full GC in each. */
  functionMemory(id: FunctionId, options?: { collect?: boolean }): Promise<InstanceMemory[]>;
  /** Starts instances of these functions ahead of any call (provisioned concurrency), so the next calls are warm. */
  provision(ids: readonly FunctionId[], count?: number): Promise<void>;
  stop(): Promise<void>;
}

export const defaultPorts: PlatformPorts = { edge: 3000, idp: 3001, api: 3002, dynamo: 8000, s3: 3003 };

/** The bucket of the local S3; the BFF gets it as FILES_BUCKET. */
export const localFilesBucket = "local-files";

const tableNames = { Sessions: "local-Sessions", Items: "local-Items", SignInAttempts: "local-SignInAttempts" };

/** The local user pool; its region prefix is the one the SDK clients use. */
const localUserPoolId = "us-east-1_LocalPool";

/** The Cognito triggers the stacks attach to the user pool, by the local function that runs each. */
const triggerFunctions = {
  DefineAuthChallenge: "defineTrigger",
  CreateAuthChallenge: "createTrigger",
  VerifyAuthChallengeResponse: "verifyTrigger",
  PreTokenGeneration: "preTokenTrigger",
} as const satisfies Record<TriggerName, FunctionId>;

/** The app clients' ids, in the form Cognito gives them (`[\w+]+`: no dashes), so the local Cognito API accepts them. */
export const localClientIds = { web: "localwebclient", m2m: "localm2mclient" } as const;

/** Client secrets: generated once into the data folder (so `npm run m2m` can read them), or per run in memory. */
async function loadClients(dataDir: string | null): Promise<LocalClients> {
  const fresh = (): LocalClients => ({
    web: { clientId: localClientIds.web, clientSecret: randomBytes(32).toString("base64url") },
    m2m: { clientId: localClientIds.m2m, clientSecret: randomBytes(32).toString("base64url") },
  });
  if (dataDir === null) return fresh();
  const file = join(dataDir, "clients.json");
  let stored: LocalClients | undefined;
  try {
    stored = JSON.parse(await readFile(file, "utf8")) as LocalClients;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  // A data folder from before the Cognito-shaped ids gets new clients (and secrets) once.
  if (stored?.web.clientId === localClientIds.web && stored.m2m.clientId === localClientIds.m2m) return stored;
  const clients = fresh();
  await writeFile(file, `${JSON.stringify(clients, null, 2)}\n`, { mode: 0o600 });
  return clients;
}

const localRegion = "us-east-1";
const localAccountId = "123456789012";

/**
 * The BFF's `IDENTIFIER_HASH_KEY`: generated once into the data folder (a
 * user's sessions live in a partition named by it, so it must outlive a
 * restart, and the sessions command reads it), or per run in memory.
 */
async function loadIdentifierHashKey(dataDir: string | null): Promise<string> {
  const fresh = randomBytes(32).toString("base64url");
  if (dataDir === null) return fresh;
  const file = join(dataDir, "identifier-hash-key");
  try {
    return (await readFile(file, "utf8")).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await writeFile(file, `${fresh}\n`, { mode: 0o600, flag: "wx" }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
  return (await readFile(file, "utf8")).trim();
}

/** The platform's own tooling (table creation, fixtures) signs as the local account's administrator; never real keys. */
function ensureLocalAwsEnv(): void {
  process.env.AWS_REGION ??= localRegion;
  process.env.AWS_ACCESS_KEY_ID ??= localAdminCredentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= localAdminCredentials.secretAccessKey;
}

/**
 * What Lambda hands a function besides its own configuration: the region and
 * its role's temporary credentials, so each call it makes is checked against
 * exactly that role's declared grants.
 */
function lambdaEnv(iam: LocalIam, id: FunctionId): Record<string, string> {
  const { role, name } = functions[id];
  const credentials = iam.credentialsFor(role, name);
  return {
    AWS_REGION: localRegion,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "INFO",
  };
}

/** The user pool's triggers, each run by its deployed entry in a pool of instances, as Cognito invokes Lambda. */
function poolTriggers(pools: ReturnType<typeof startLocalFunctions>): CognitoTriggers {
  return {
    configured: Object.keys(triggerFunctions) as TriggerName[],
    invokeTrigger: async (name, event) => {
      const result = await pools.invoke(triggerFunctions[name])(event);
      if (result.outcome === "success") return result.payload as typeof event;
      // Cognito reports the function's error message (or a timeout/throttle) as UserLambdaValidationException.
      throw new Error(result.outcome === "throttled" ? "Rate exceeded" : result.error.errorMessage);
    },
  };
}

/** The edge's BFF origins, as the declaration has the Router route them to the three functions. */
const bffRoutes = bffOrigins.map((origin) => ({ prefix: `${origin.path}/`, id: origin.function, bare: "bare" in origin }));

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  // Callers that pick their ports (tests with port 0) need not know the S3 one: a free port unless asked.
  const ports = { ...defaultPorts, s3: 0, ...options.ports };
  const dataDir = options.dataDir === undefined ? join(repoRoot, ".local") : options.dataDir;
  if (dataDir !== null) await mkdir(dataDir, { recursive: true, mode: 0o700 });
  ensureLocalAwsEnv();
  const clients = await loadClients(dataDir);
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };

  try {
    // The local account: each function's role and the files role hold exactly the declaration's grants.
    const iam = createLocalIam({
      accountId: localAccountId,
      region: localRegion,
      resolve: localArnResolver({ accountId: localAccountId, region: localRegion, tables: tableNames, bucket: localFilesBucket }),
    });
    const dynamo = await startDynamo({ port: ports.dynamo, dataDir, iam });
    stops.push(() => dynamo.stop());
    await ensureTables(dynamo.endpoint, tableNames);

    // The edge and the gateway must know their ports before the IdP registers
    // redirect URIs, and the handlers need the IdP's issuer: bind late.
    let s3Endpoint: string | undefined;
    const invokers: Partial<Record<FunctionId, Invoke>> = {};
    const late =
      (id: FunctionId): Invoke =>
      (event, invokeOptions) => {
        const invoke = invokers[id];
        if (!invoke) throw new Error(`The function ${id} is not ready yet`);
        return invoke(event, invokeOptions);
      };
    const edge = await startEdge({
      port: ports.edge,
      functions: bffRoutes.map(({ prefix, id, bare }) => ({ prefix, bare, invoke: late(id) })),
      spa: options.spa ?? { kind: "static", dir: join(repoRoot, "web/dist") },
      // The SPA PUTs uploads straight to the local S3 (presigned URLs): its CSP must let it connect there.
      connectSources: () => (s3Endpoint ? [s3Endpoint] : []),
    });
    stops.push(() => edge.stop());

    // An IdP that sends logout tokens posts them to the receiver's own public function URL, not through the edge.
    const sendsLogoutTokens = options.idpProfile === "oidc";
    const backchannel = sendsLogoutTokens
      ? await startFunctionUrlServer({ port: 0, invoke: () => invokers.bffBackchannel, label: "Back-channel logout URL" })
      : undefined;
    if (backchannel) stops.push(() => backchannel.stop());
    const bffFunctions: readonly FunctionId[] = [
      ...bffRoutes.map(({ id }) => id),
      ...(sendsLogoutTokens ? ["bffBackchannel" as const] : []),
    ];

    const s3 = await startS3({
      port: ports.s3,
      dataDir: dataDir === null ? null : join(dataDir, "s3"),
      bucket: localFilesBucket,
      corsOrigin: edge.url,
      iam,
    });
    stops.push(() => s3.stop());
    s3Endpoint = s3.endpoint;

    const gateway = await startGateway({
      port: ports.api,
      stage: "local",
      routes: routeRules.map(({ method, resource }) => ({ method, resource })),
      cacheTtlSeconds: options.authorizerCacheTtlSeconds ?? tokenTiming.authorizerCacheSeconds,
      authorizer: late("authorizer"),
      integration: late("items"),
    });
    stops.push(() => gateway.stop());

    const loginMode = options.loginMode ?? "hosted";
    // The Create trigger's deployed entry sends its codes through SES; locally they land in the IdP's mailbox.
    let deliver: ((message: Parameters<Parameters<typeof startSes>[0]["deliver"]>[0]) => Promise<void>) | undefined;
    const ses = await startSes({
      port: 0,
      deliver: (message) => {
        if (!deliver) throw new Error("The local mailbox is not ready yet");
        return deliver(message);
      },
    });
    stops.push(() => ses.stop());
    const triggerPools = startLocalFunctions(
      repoRoot,
      {
        defineTrigger: lambdaEnv(iam, "defineTrigger"),
        createTrigger: { ...lambdaEnv(iam, "createTrigger"), CODE_SENDER_EMAIL: "no-reply@spa-bff.local", AWS_ENDPOINT_URL_SESV2: ses.url },
        verifyTrigger: lambdaEnv(iam, "verifyTrigger"),
        preTokenTrigger: {
          ...lambdaEnv(iam, "preTokenTrigger"),
          TOKEN_SCOPES: brandedTokenScopes.join(" "),
          TOKEN_SCOPES_CLIENT_IDS: clients.web.clientId,
        },
      },
      options.functions,
    );
    stops.push(() => triggerPools.stop());

    const users = options.users ?? defaultDemoUsers();
    const idp = await startIdp({
      port: ports.idp,
      keysDir: dataDir,
      users,
      clients: {
        web: { ...clients.web, redirectUris: [`${edge.url}/auth/callback`], postLogoutRedirectUris: [`${edge.url}/`] },
        m2m: clients.m2m,
      },
      loginMode,
      ...(backchannel ? { profile: "oidc", backchannelLogoutUri: `${backchannel.url}/auth/backchannel-logout` } : {}),
      cognito: {
        userPoolId: localUserPoolId,
        clients: [cognitoWebClient(declaredIdentity, loginMode, clients.web)],
        triggers: poolTriggers(triggerPools),
        // Its admin operations (AdminUserGlobalSignOut) obey the same identities and grants.
        iam: iam.cognitoIam(),
      },
    });
    stops.push(() => idp.stop());
    deliver = async (message) => idp.mailbox.send(message);

    // The per-user web identity exchange of the files module, verified against the IdP's keys as IAM's OIDC provider would.
    const sts = await startLocalSts({ port: 0, iam, issuer: idp.issuer, audience: clients.web.clientId });
    stops.push(() => sts.stop());

    // In memory (tests): the session key lives in a private temp folder that stop() removes.
    const keyDir = dataDir ?? (await mkdtemp(join(tmpdir(), "spa-bff-keys-")));
    if (dataDir === null) stops.unshift(() => rm(keyDir, { recursive: true, force: true }));

    const bffEnv: Record<string, string> = {
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: clients.web.clientId,
      OIDC_CLIENT_SECRET: clients.web.clientSecret,
      // Cognito's hosted /logout and /oauth2/revoke: its discovery lists neither (the IdP's cognito profile).
      OIDC_LOGOUT_URL: `${idp.issuer}/logout`,
      APP_ORIGIN: edge.url,
      API_BASE_URL: options.apiBaseUrl ?? gateway.url,
      SESSION_TABLE: tableNames.Sessions,
      IDENTIFIER_HASH_KEY: await loadIdentifierHashKey(dataDir),
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      KEY_PROVIDER: "local",
      LOCAL_KEY_FILE: join(keyDir, "session-key.json"),
      // Per-user credentials from the local STS, checked by the local S3 against the files role's grants.
      FILES_BUCKET: s3.bucket,
      FILES_ROLE_ARN: iam.filesRoleArn,
      S3_ENDPOINT: s3.endpoint,
      STS_ENDPOINT: sts.endpoint,
      ...(loginMode === "branded"
        ? {
            LOGIN_MODE: "branded",
            COGNITO_USER_POOL_ID: localUserPoolId,
            COGNITO_ENDPOINT: idp.issuer,
            SIGNIN_TABLE: tableNames.SignInAttempts,
          }
        : {}),
      ...options.bffEnv,
    };
    const bffConfig = loadBffConfig(bffEnv);
    // Created once here, so the first instances of the three functions do not race to create the same key file.
    if (bffConfig.keyProvider.kind === "local")
      await createLocalKeyProvider({ file: bffConfig.keyProvider.file }).generateDataKey(defaultKeyContext);
    // What `npm run sessions` needs to find this platform (its key is in identifier-hash-key beside it).
    if (dataDir !== null) {
      const operator: LocalOperatorFile = {
        region: localRegion,
        sessionTable: tableNames.Sessions,
        dynamodbEndpoint: dynamo.endpoint,
        cognitoEndpoint: idp.issuer,
        userPoolId: localUserPoolId,
      };
      await writeFile(join(dataDir, "sessions-operator.json"), `${JSON.stringify(operator, null, 2)}\n`, { mode: 0o600 });
    }
    const local = startLocalFunctions(
      repoRoot,
      {
        authorizer: {
          ...lambdaEnv(iam, "authorizer"),
          JWT_ISSUER: idp.issuer,
          JWT_CLIENT_IDS: `${clients.web.clientId},${clients.m2m.clientId}`,
        },
        items: { ...lambdaEnv(iam, "items"), ITEMS_TABLE: tableNames.Items, DYNAMODB_ENDPOINT: dynamo.endpoint },
        ...(options.bffAdapters ? {} : Object.fromEntries(bffFunctions.map((id) => [id, { ...lambdaEnv(iam, id), ...bffEnv }]))),
      },
      options.functions,
    );
    stops.push(() => local.stop());
    invokers.authorizer = local.invoke("authorizer");
    invokers.items = local.invoke("items");
    const useBff = (invoke: Invoke) => {
      for (const id of bffFunctions) invokers[id] = invoke;
    };
    if (options.bffAdapters) useBff(inProcess(createBffHandler(bffConfig, options.bffAdapters(bffConfig)), "bff"));
    else for (const id of bffFunctions) invokers[id] = local.invoke(id);

    return {
      urls: {
        app: edge.url,
        idp: idp.issuer,
        api: gateway.url,
        dynamo: dynamo.endpoint,
        s3: s3.endpoint,
        ...(backchannel ? { backchannel: backchannel.url } : {}),
      },
      loginMode,
      userPoolId: localUserPoolId,
      ports: { edge: edge.port, idp: idp.port, api: gateway.port, dynamo: dynamo.port, s3: s3.port },
      clients,
      users,
      tables: tableNames,
      parts: { idp, dynamo, gateway, edge, s3, iam, sts },
      bffEnv,
      bffConfig,
      replaceBff: (adapters = {}) => useBff(inProcess(createBffHandler(bffConfig, adapters), "bff")),
      onFunctionEvent: (listener) => {
        const offs = [local.onEvent(listener), triggerPools.onEvent(listener)];
        return () => {
          for (const off of offs) off();
        };
      },
      functionStats: () => ({ ...triggerPools.stats(), ...local.stats() }),
      functionMemory: (id, options) => local.memory(id, options),
      provision: async (ids, count = 1) => {
        await Promise.all(ids.map((id) => local.provision(id, count)));
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
