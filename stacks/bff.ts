import { rateLimitTable, sessionsTable } from "@spa-bff/core/infra";
import { lambdaBundle } from "../scripts/lambda-bundle/options.ts";
import type { Api } from "./api.ts";
import type { Auth } from "./auth.ts";
import type { Files } from "./files.ts";
import type { Network } from "./network.ts";
import { appName, isProduction } from "./stage.ts";

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

/**
 * How users sign in on this stage (`LOGIN_MODE` at deploy time): "hosted"
 * (Cognito's hosted UI, code flow) or "branded" (the BFF's own page, with
 * the emailed code as a second factor). Anything else fails the deploy.
 */
export function loginMode(): "hosted" | "branded" {
  const mode = process.env.LOGIN_MODE ?? "hosted";
  if (mode !== "hosted" && mode !== "branded") throw new Error(`Invalid LOGIN_MODE "${mode}". Expected: "hosted" or "branded"`);
  return mode;
}

export interface Bff {
  sessionsTable: sst.aws.Dynamo;
  /** Failed sign-in counters and lockouts of the branded sign-in (TTL-swept). */
  signInTable: sst.aws.Dynamo;
  sessionKey: aws.kms.Key;
  role: aws.iam.Role;
  functions: sst.aws.Function[];
}

const sessionActions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"];

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
  const accountId = aws.getCallerIdentityOutput().accountId;

  // An explicit role: SST's generated one would pick up dynamodb:* from `link`, and the key policy must name it.
  const role = new aws.iam.Role("BffRole", {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
    managedPolicyArns: [
      $interpolate`arn:${partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`,
      $interpolate`arn:${partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`,
    ],
  });

  const key = new aws.kms.Key("SessionKey", {
    description: `${$app.name} ${$app.stage} BFF session data keys`,
    enableKeyRotation: true,
    deletionWindowInDays: production ? 30 : 7,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          // Administration only: the account can manage and delete the key but cannot use it on data.
          Sid: "KeyAdministration",
          Effect: "Allow",
          Principal: { AWS: $interpolate`arn:${partition}:iam::${accountId}:root` },
          Action: [
            "kms:Create*",
            "kms:Describe*",
            "kms:Enable*",
            "kms:List*",
            "kms:Put*",
            "kms:Update*",
            "kms:Revoke*",
            "kms:Disable*",
            "kms:Get*",
            "kms:Delete*",
            "kms:TagResource",
            "kms:UntagResource",
            "kms:ScheduleKeyDeletion",
            "kms:CancelKeyDeletion",
            "kms:RotateKeyOnDemand",
          ],
          Resource: "*",
        },
        {
          Sid: "BffSessionDataKeys",
          Effect: "Allow",
          Principal: { AWS: role.arn },
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: "*",
          Condition: { StringEquals: { "kms:EncryptionContext:purpose": sessionEncryptionContext.purpose } },
        },
      ],
    }),
  });

  new aws.iam.RolePolicy("BffSessionsPolicy", {
    role: role.name,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "Sessions", Effect: "Allow", Action: sessionActions, Resource: table.arn },
        // bySub serves "revoke every session of a user"; Query only, and only on that index.
        { Sid: "SessionsBySub", Effect: "Allow", Action: ["dynamodb:Query"], Resource: $interpolate`${table.arn}/index/bySub` },
        {
          Sid: "SessionDataKeys",
          Effect: "Allow",
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: key.arn,
          Condition: { StringEquals: { "kms:EncryptionContext:purpose": sessionEncryptionContext.purpose } },
        },
      ],
    }),
  });

  // Its own policy: the branded sign-in's counters are a separate concern from sessions.
  new aws.iam.RolePolicy("BffSignInPolicy", {
    role: role.name,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [{ Sid: "SignInAttempts", Effect: "Allow", Action: sessionActions, Resource: signInTable.arn }],
    }),
  });

  const functions = bffRoutes.map(
    (route) =>
      new sst.aws.Function(route.name, {
        // One entry per route group, so each function bundles only its own routes.
        handler: route.handler,
        runtime: "nodejs22.x",
        nodejs: lambdaBundle,
        memory: "512 MB",
        // Longer than UPSTREAM_TIMEOUT_MS (8 s) so a slow upstream ends in our 504 JSON, not a Lambda timeout.
        timeout: "15 seconds",
        role: role.arn,
        vpc: network.vpc,
        // The client secret travels as a link (encrypted into the bundle, read with `Resource.WebClient.secret`), never as env.
        link: [auth.webClient],
        url: { authorization: "iam", router: { instance: router, path: route.path } },
        environment: {
          OIDC_ISSUER: auth.issuer,
          OIDC_CLIENT_ID: auth.webClient.id,
          OIDC_LOGOUT_URL: $interpolate`${auth.domainUrl}/logout`,
          APP_ORIGIN: router.url.apply((url) => url.replace(/\/$/, "")),
          SESSION_TABLE: table.name,
          LOGIN_MODE: loginMode(),
          COGNITO_USER_POOL_ID: auth.userPool.id,
          SIGNIN_TABLE: signInTable.name,
          KEY_PROVIDER: "kms",
          KMS_KEY_ID: key.arn,
          API_BASE_URL: api.url,
          // Direct uploads: the BFF federates per user into this role; it holds no S3 permission itself.
          FILES_BUCKET: files.bucket.name,
          FILES_ROLE_ARN: files.federatedRole.arn,
          UPSTREAM_TIMEOUT_MS: "8000",
          LOG_LEVEL: "INFO",
        },
      }),
  );

  return { sessionsTable: table, signInTable, sessionKey: key, role, functions };
}
