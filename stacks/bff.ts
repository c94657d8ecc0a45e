import {
  bffOrigins,
  functions,
  functionUrlCors,
  type Grant,
  rateLimitTable,
  roleGrants,
  sessionsTable,
  type TableDefinition,
  tokenTiming,
} from "@spa-bff/core/infra";
import type { Api } from "./api.ts";
import type { Auth } from "./auth.ts";
import type { Files } from "./files.ts";
import { functionArgs } from "./functions.ts";
import { type GrantTargets, statementsFor } from "./grants.ts";
import { devRelayGrants, lambdaTrustPolicy, policyDocument } from "./iam.ts";
import type { Network } from "./network.ts";
import { devServerOrigin, isProduction } from "./stage.ts";

/**
 * The BFF's functions, one per router path: each URL origin is signed with
 * OAC, and each entry (the declaration's) bundles only its own route group
 * (a cold start of the `/api` function loads no login, sign-in or S3 code).
 */
export const bffRoutes = bffOrigins.map((origin) => ({ id: origin.function, path: origin.path }));

export interface Bff {
  sessionsTable: sst.aws.Dynamo;
  /** Failed sign-in counters and lockouts of the branded sign-in (TTL-swept). */
  signInTable: sst.aws.Dynamo;
  sessionKey: aws.kms.Key;
  role: aws.iam.Role;
  functions: sst.aws.Function[];
  /** The stage's identifier key, linked as `IdentifierHashKey` (property `value`). */
  identifierHashKey: sst.Linkable<{ value: $util.Output<string> }>;
}

/** `sst.aws.Dynamo` arguments of a table of the declaration: its keys, indexes and TTL attribute, nothing else. */
export function dynamoArgs(def: TableDefinition): Pick<sst.aws.DynamoArgs, "fields" | "primaryIndex" | "globalIndexes" | "ttl"> {
  return {
    fields: def.fields,
    primaryIndex: def.primaryIndex,
    ...(def.globalIndexes ? { globalIndexes: def.globalIndexes } : {}),
    ...(def.ttl ? { ttl: def.ttl } : {}),
  };
}

/** The BFF's declared grant on the session key: the key policy lets the BFF's role do exactly this, and nothing more. */
export function sessionKeyGrant(): Grant {
  const grant = roleGrants.bff.find((candidate) => "key" in candidate.resource && candidate.resource.key === "SessionKey");
  if (!grant) throw new Error("The declaration grants the BFF nothing on SessionKey; the key policy would lock it out.");
  if (!grant.encryptionContext) throw new Error("The BFF's grant on SessionKey must require an encryption context (roleGrants.bff).");
  return grant;
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
  const use = sessionKeyGrant();
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
        Action: use.actions,
        Resource: "*",
        Condition: {
          StringEquals: Object.fromEntries(
            Object.entries(use.encryptionContext ?? {}).map(([key, value]) => [`kms:EncryptionContext:${key}`, value]),
          ),
        },
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
 * The BFF: sessions table, session key, one least-privilege role (exactly
 * the declaration's `roleGrants.bff`) and the three functions in the
 * private subnets, reachable only through the Router (function URL with
 * AWS_IAM auth, signed by CloudFront origin access control).
 *
 * The sessions operator command (`sst shell --stage <stage> -- npm run
 * sessions -- …`) reads three links of the stage by name: `Sessions.name`
 * (this table, named as the declaration's `sessionsTable`), `UserPool.id` and
 * `IdentifierHashKey.value`.
 */
export function createBff(
  network: Network,
  auth: Auth,
  api: Api,
  router: sst.aws.Router,
  files: Files,
  targets: GrantTargets,
  identifierHashKey: sst.Linkable<{ value: $util.Output<string> }>,
): Bff {
  const production = isProduction();
  const table = new sst.aws.Dynamo(sessionsTable.name, {
    ...dynamoArgs(sessionsTable),
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
    ...dynamoArgs(rateLimitTable),
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

  targets.register({ table: "Sessions" }, table.arn);
  targets.register({ table: "SignInAttempts" }, signInTable.arn);
  targets.register({ key: "SessionKey" }, key.arn);
  new aws.iam.RolePolicy("BffPolicy", { role: role.name, policy: policyDocument(statementsFor(roleGrants.bff, targets)) });
  // SST adds the relay to the roles it makes; this role is ours, so it gets the same (narrower) grants here.
  const relay = devRelayGrants();
  if (relay.length > 0) new aws.iam.RolePolicy("BffDevRelayPolicy", { role: role.name, policy: policyDocument(relay) });

  // Under `sst dev` the browser talks to Vite's dev server, which proxies the BFF paths to the Router.
  const appOrigin = $dev ? $output(devServerOrigin) : router.url.apply((url) => url.replace(/\/$/, ""));

  const bffFunctions = bffRoutes.map(
    (route) =>
      new sst.aws.Function(
        functions[route.id].name,
        functionArgs(
          route.id,
          { targets, network, role: role.arn },
          {
            // Secrets travel as links (encrypted into the bundle, read with `Resource.<name>`), never as env:
            // the client secret (OIDC_CLIENT_SECRET) and the identifier key (IDENTIFIER_HASH_KEY).
            link: [auth.webClient, identifierHashKey],
            // Same-origin behind the Router: no CORS, which Lambda would otherwise answer for any origin (SST's default is "*").
            url: { authorization: "iam", cors: functionUrlCors, router: { instance: router, path: route.path } },
            environment: {
              OIDC_ISSUER: auth.issuer,
              OIDC_CLIENT_ID: auth.webClient.id,
              OIDC_LOGOUT_URL: $interpolate`${auth.domainUrl}/logout`,
              APP_ORIGIN: appOrigin,
              SESSION_TABLE: table.name,
              LOGIN_MODE: auth.loginMode,
              COGNITO_USER_POOL_ID: auth.userPool.id,
              SIGNIN_TABLE: signInTable.name,
              KEY_PROVIDER: "kms",
              KMS_KEY_ID: key.arn,
              API_BASE_URL: api.callerUrl,
              // Direct uploads: the BFF federates per user into this role; it holds no S3 permission itself.
              FILES_BUCKET: files.bucket.name,
              FILES_ROLE_ARN: files.federatedRole.arn,
              // Below the function's timeout, so a slow upstream ends in the BFF's 504 JSON, not a Lambda timeout.
              UPSTREAM_TIMEOUT_MS: "8000",
              // Stated (it is also the BFF's default) so the check can hold it against the authorizer's cache TTL.
              REFRESH_SKEW_SECONDS: String(tokenTiming.refreshSkewSeconds),
              LOG_LEVEL: "INFO",
            },
          },
        ),
      ),
  );

  return { sessionsTable: table, signInTable, sessionKey: key, role, functions: bffFunctions, identifierHashKey };
}
