import { rateLimitTable, sessionsTable } from "@spa-bff/core/infra";
import type { Api } from "./api.ts";
import type { Auth } from "./auth.ts";
import type { Files } from "./files.ts";
import { lambdaArgs } from "./functions.ts";
import { devRelayGrants, type Grant, lambdaTrustPolicy, policyDocument } from "./iam.ts";
import type { Network } from "./network.ts";
import { stageSettings } from "./settings.ts";
import { appName, devServerOrigin, isProduction } from "./stage.ts";

/**
 * The KMS encryption context the BFF passes on every GenerateDataKey and
 * Decrypt call. The key policy only honours calls that carry it.
 */
export const sessionEncryptionContext = { purpose: "bff-session", app: appName } as const;

/**
 * The BFF's functions, one per router path: each URL origin is signed with
 * OAC, and each entry bundles only its own route group (a cold start of the
 * `/api` function loads no login, sign-in or S3 code).
 */
export const bffRoutes = [
  { name: "BffAuth", path: "/auth", handler: "packages/bff/src/lambda-auth.handler" },
  { name: "BffApi", path: "/api", handler: "packages/bff/src/lambda-api.handler" },
  { name: "BffFiles", path: "/files", handler: "packages/bff/src/lambda-files.handler" },
] as const;

export interface Bff {
  sessionsTable: sst.aws.Dynamo;
  /** Failed sign-in counters and lockouts of the branded sign-in (TTL-swept). */
  signInTable: sst.aws.Dynamo;
  sessionKey: aws.kms.Key;
  role: aws.iam.Role;
  functions: sst.aws.Function[];
}

const itemActions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"];

/** What the BFF's role may do with its tables and key, built once and asserted by check:infra. */
export function bffGrants(sessions: sst.aws.Dynamo, signIn: sst.aws.Dynamo, key: aws.kms.Key): { sessions: Grant[]; signIn: Grant[] } {
  return {
    sessions: [
      { sid: "Sessions", actions: itemActions, resources: [sessions.arn] },
      // bySub serves "revoke every session of a user"; Query only, and only on that index.
      { sid: "SessionsBySub", actions: ["dynamodb:Query"], resources: [$interpolate`${sessions.arn}/index/bySub`] },
      {
        sid: "SessionDataKeys",
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: [key.arn],
        conditions: { StringEquals: { "kms:EncryptionContext:purpose": sessionEncryptionContext.purpose } },
      },
    ],
    // The branded sign-in's counters are a separate concern from sessions.
    signIn: [{ sid: "SignInAttempts", actions: itemActions, resources: [signIn.arn] }],
  };
}

/**
 * What the account (IAM administrators, through the root principal) may do
 * with the session key: manage it, never use it or let anyone use it. No
 * wildcards: `kms:Create*` would include `CreateGrant`, with which anyone
 * allowed it by IAM could grant themselves `Decrypt`, invisibly to this
 * policy. `PutKeyPolicy` stays: KMS refuses to create or update a key whose
 * policy would lock the caller out of updating it, and every deploy sets the
 * policy through it. Whoever holds it can rewrite the policy, deny included;
 * that is the account administrator's power, and each use is in CloudTrail.
 */
export const keyAdministrationActions = [
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:UpdateKeyDescription",
  "kms:EnableKey",
  "kms:DisableKey",
  "kms:EnableKeyRotation",
  "kms:DisableKeyRotation",
  "kms:RotateKeyOnDemand",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:CreateAlias",
  "kms:UpdateAlias",
  "kms:DeleteAlias",
  "kms:RevokeGrant",
  "kms:RetireGrant",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
];

/** Every action that uses the key on data, or hands its use to someone: denied to all but the BFF's role. */
export const keyUseActions = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:CreateGrant"];

/**
 * The session key's policy: the account administers it; only the BFF's role
 * uses it, and only with the session encryption context; and an explicit
 * deny makes any other use impossible, whatever IAM policies or grants say.
 */
export function sessionKeyPolicy(roleArn: $util.Input<string>): $util.Output<string> {
  const partition = aws.getPartitionOutput().partition;
  const accountId = aws.getCallerIdentityOutput().accountId;
  return $jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "KeyAdministration",
        Effect: "Allow",
        Principal: { AWS: $interpolate`arn:${partition}:iam::${accountId}:root` },
        Action: keyAdministrationActions,
        Resource: "*",
      },
      {
        Sid: "BffSessionDataKeys",
        Effect: "Allow",
        Principal: { AWS: roleArn },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "kms:EncryptionContext:purpose": sessionEncryptionContext.purpose } },
      },
      {
        Sid: "NoUseByAnyoneElse",
        Effect: "Deny",
        Principal: "*",
        Action: keyUseActions,
        Resource: "*",
        Condition: { ArnNotEquals: { "aws:PrincipalArn": roleArn } },
      },
      {
        // The BFF needs no grant either: nobody may create one.
        Sid: "NoGrants",
        Effect: "Deny",
        Principal: "*",
        Action: "kms:CreateGrant",
        Resource: "*",
      },
    ],
  });
}

/**
 * The BFF: sessions table, session key, one least-privilege role and the
 * functions in the private subnets, reachable only through the Router
 * (function URL with AWS_IAM auth, signed by CloudFront origin access control).
 */
export function createBff(network: Network, auth: Auth, api: Api, router: sst.aws.Router, files: Files): Bff {
  const production = isProduction();
  const table = new sst.aws.Dynamo(sessionsTable.name, {
    fields: sessionsTable.fields,
    primaryIndex: sessionsTable.primaryIndex,
    globalIndexes: sessionsTable.globalIndexes,
    ttl: sessionsTable.ttl,
    deletionProtection: production,
    transform: {
      table: (args) => {
        args.pointInTimeRecovery = { enabled: true };
        args.serverSideEncryption = { enabled: true };
      },
    },
  });

  // Counters and locks live one window at most and TTL sweeps them: no backups, no deletion protection needed.
  const signInTable = new sst.aws.Dynamo(rateLimitTable.name, {
    fields: rateLimitTable.fields,
    primaryIndex: rateLimitTable.primaryIndex,
    ttl: rateLimitTable.ttl,
    transform: {
      table: (args) => {
        args.serverSideEncryption = { enabled: true };
      },
    },
  });

  const partition = aws.getPartitionOutput().partition;

  // An explicit role shared by the three functions: the key policy names it, and SST would make one per function.
  const role = new aws.iam.Role("BffRole", {
    assumeRolePolicy: lambdaTrustPolicy,
    managedPolicyArns: [
      $interpolate`arn:${partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`,
      $interpolate`arn:${partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`,
    ],
  });

  const key = new aws.kms.Key(
    "SessionKey",
    {
      description: `${$app.name} ${$app.stage} BFF session data keys`,
      enableKeyRotation: true,
      deletionWindowInDays: production ? 30 : 7,
      policy: sessionKeyPolicy(role.arn),
    },
    // Production keeps it with the sessions table: sealed sessions are unreadable without it.
    { retainOnDelete: production },
  );

  const grants = bffGrants(table, signInTable, key);
  new aws.iam.RolePolicy("BffSessionsPolicy", { role: role.name, policy: policyDocument(grants.sessions) });
  new aws.iam.RolePolicy("BffSignInPolicy", { role: role.name, policy: policyDocument(grants.signIn) });
  // SST adds the relay to the roles it makes; this role is ours, so it gets the same (narrower) grants here.
  const relay = devRelayGrants();
  if (relay.length > 0) new aws.iam.RolePolicy("BffDevRelayPolicy", { role: role.name, policy: policyDocument(relay) });

  const { loginMode } = stageSettings();
  // Under `sst dev` the browser talks to Vite's dev server, which proxies the BFF paths to the Router.
  const appOrigin = $dev ? $output(devServerOrigin) : router.url.apply((url) => url.replace(/\/$/, ""));

  const functions = bffRoutes.map(
    (route) =>
      new sst.aws.Function(
        route.name,
        lambdaArgs({
          // One entry per route group, so each function bundles only its own routes.
          handler: route.handler,
          memory: "512 MB",
          // Longer than UPSTREAM_TIMEOUT_MS (8 s) so a slow upstream ends in our 504 JSON, not a Lambda timeout.
          timeout: "15 seconds",
          role: role.arn,
          vpc: network.vpc,
          // The client secret travels as a link (encrypted into the bundle, read with `Resource.WebClient.secret`), never as env.
          link: [auth.webClient],
          // Same-origin behind the Router: no CORS, which Lambda would otherwise answer for any origin (SST's default is "*").
          url: { authorization: "iam", cors: false, router: { instance: router, path: route.path } },
          environment: {
            OIDC_ISSUER: auth.issuer,
            OIDC_CLIENT_ID: auth.webClient.id,
            OIDC_LOGOUT_URL: $interpolate`${auth.domainUrl}/logout`,
            APP_ORIGIN: appOrigin,
            SESSION_TABLE: table.name,
            LOGIN_MODE: loginMode,
            COGNITO_USER_POOL_ID: auth.userPool.id,
            SIGNIN_TABLE: signInTable.name,
            KEY_PROVIDER: "kms",
            KMS_KEY_ID: key.arn,
            API_BASE_URL: api.callerUrl,
            // Direct uploads: the BFF federates per user into this role; it holds no S3 permission itself.
            FILES_BUCKET: files.bucket.name,
            FILES_ROLE_ARN: files.federatedRole.arn,
            UPSTREAM_TIMEOUT_MS: "8000",
            LOG_LEVEL: "INFO",
          },
        }),
      ),
  );

  return { sessionsTable: table, signInTable, sessionKey: key, role, functions };
}
