import { lambdaArgs } from "./functions.ts";
import type { Grant } from "./iam.ts";
import { cognitoDomainPrefix, stageSettings } from "./settings.ts";
import { isProduction, loopbackOrigins } from "./stage.ts";

/** Scopes of the items resource server, in Cognito's `<identifier>/<name>` form. */
export const itemsScopes = { read: "items/read", write: "items/write" } as const;

/** SST does not export the client class; this is what `addClient` returns. */
export type UserPoolClient = ReturnType<sst.aws.CognitoUserPool["addClient"]>;

export interface Auth {
  userPool: sst.aws.CognitoUserPool;
  resourceServer: aws.cognito.ResourceServer;
  /** Confidential code-flow client of the BFF. Linked, so its secret never sits in code or env. */
  webClient: UserPoolClient;
  /** client_credentials client of the scheduled job. */
  m2mClient: UserPoolClient;
  /** OIDC issuer URL of the pool. */
  issuer: $util.Output<string>;
  /** Hosted UI base URL (`https://<prefix>.auth.<region>.amazoncognito.com`). */
  domainUrl: $util.Output<string>;
  /** The SES identity the second factor's codes are sent from. */
  codeSender: sst.aws.Email;
}

/** SES calls the Create trigger may make; nothing else (no `ses:*`, no templates). */
export const codeSenderActions = ["ses:SendEmail", "ses:SendRawEmail"];

/**
 * The Create trigger's only permission. Not `link: [codeSender]`: that grants ses:* and SendEmail on "*".
 * The identity has SST's configuration set as its default, and SES authorizes a send against that set too.
 */
export function codeSenderGrants(codeSender: sst.aws.Email): Grant[] {
  return [{ actions: codeSenderActions, resources: [codeSender.nodes.identity.arn, codeSender.nodes.configurationSet.arn] }];
}

/** The custom auth triggers: short-lived, no VPC (they reach only SES), bundled like every other function. */
function triggerFunction(
  name: "define" | "create" | "verify",
  extra: { environment?: Record<string, $util.Input<string>>; grants?: Grant[] } = {},
) {
  return lambdaArgs({
    handler: `packages/auth-challenge/src/${name}.handler`,
    memory: "256 MB",
    // Cognito waits 5 seconds for a trigger, then fails the sign-in.
    timeout: "5 seconds",
    ...extra,
  });
}

/**
 * Cognito: the user pool (admin-created users only, strong passwords,
 * optional TOTP), its hosted domain, the `items` resource server and the two
 * clients. The pool runs the second factor of the branded sign-in as a
 * custom auth challenge: Define/Create/Verify triggers from
 * packages/auth-challenge, with codes emailed from the stage's SES identity
 * (the `SenderEmail` setting). `siteUrl` is the stage's CloudFront URL:
 * callback and logout URLs point there, and in non-production stages also at
 * the local platform and at Vite's dev server under `sst dev`.
 *
 * Production retains the pool (its users) on removal, like the tables.
 */
export function createAuth(siteUrl: $util.Input<string>): Auth {
  const production = isProduction();
  const codeSender = new sst.aws.Email("CodeSender", { sender: stageSettings().senderEmail });
  const region = aws.getRegionOutput().region;
  const domainPrefix = $output([aws.getCallerIdentityOutput().accountId, region]).apply(([accountId, r]) =>
    cognitoDomainPrefix($app.name, $app.stage, accountId, r),
  );
  const userPool = new sst.aws.CognitoUserPool("UserPool", {
    aliases: ["email"],
    mfa: "optional",
    softwareToken: true,
    domain: { prefix: domainPrefix },
    triggers: {
      defineAuthChallenge: triggerFunction("define"),
      createAuthChallenge: triggerFunction("create", {
        environment: { CODE_SENDER_EMAIL: codeSender.sender, LOG_LEVEL: "INFO" },
        grants: codeSenderGrants(codeSender),
      }),
      verifyAuthChallengeResponse: triggerFunction("verify"),
    },
    transform: {
      userPool: (args, opts) => {
        opts.retainOnDelete = production;
        // No self sign-up: accounts are created by an administrator (README, "Deploy to AWS").
        args.adminCreateUserConfig = { allowAdminCreateUserOnly: true };
        args.passwordPolicy = {
          minimumLength: 12,
          requireLowercase: true,
          requireUppercase: true,
          requireNumbers: true,
          requireSymbols: true,
          temporaryPasswordValidityDays: 3,
        };
        args.deletionProtection = production ? "ACTIVE" : "INACTIVE";
        args.userPoolAddOns = { advancedSecurityMode: "OFF" };
      },
    },
  });

  const resourceServer = new aws.cognito.ResourceServer("ItemsResourceServer", {
    userPoolId: userPool.id,
    identifier: "items",
    name: "Items API",
    scopes: [
      { scopeName: "read", scopeDescription: "Read items" },
      { scopeName: "write", scopeDescription: "Create and delete items" },
    ],
  });

  const origins = $output(siteUrl).apply((url) => [url.replace(/\/$/, ""), ...loopbackOrigins()]);

  const webClient = userPool.addClient(
    "WebClient",
    {
      callbackUrls: origins.apply((list) => list.map((origin) => `${origin}/auth/callback`)),
      transform: {
        client: (args) => {
          args.generateSecret = true;
          args.allowedOauthFlows = ["code"];
          args.allowedOauthFlowsUserPoolClient = true;
          args.allowedOauthScopes = ["openid", "email", "profile", itemsScopes.read, itemsScopes.write];
          args.logoutUrls = origins.apply((list) => list.map((origin) => `${origin}/`));
          // The hosted UI (code flow) or the BFF's branded sign-in, which is CUSTOM_AUTH with SRP for the
          // password and the emailed code after it. Never USER_PASSWORD_AUTH: no password leaves the BFF.
          args.explicitAuthFlows = ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];
          args.enableTokenRevocation = true;
          args.preventUserExistenceErrors = "ENABLED";
          args.accessTokenValidity = 15;
          args.idTokenValidity = 15;
          args.refreshTokenValidity = 8;
          args.tokenValidityUnits = { accessToken: "minutes", idToken: "minutes", refreshToken: "hours" };
        },
      },
    },
    { dependsOn: [resourceServer] },
  );

  const m2mClient = userPool.addClient(
    "M2mClient",
    {
      transform: {
        client: (args) => {
          args.generateSecret = true;
          args.allowedOauthFlows = ["client_credentials"];
          args.allowedOauthFlowsUserPoolClient = true;
          args.allowedOauthScopes = [itemsScopes.read];
          args.callbackUrls = [];
          args.supportedIdentityProviders = ["COGNITO"];
          args.explicitAuthFlows = ["ALLOW_REFRESH_TOKEN_AUTH"];
          args.accessTokenValidity = 60;
          args.tokenValidityUnits = { accessToken: "minutes" };
        },
      },
    },
    { dependsOn: [resourceServer] },
  );

  const issuer = $interpolate`https://cognito-idp.${region}.amazonaws.com/${userPool.id}`;
  const domainUrl = $interpolate`https://${domainPrefix}.auth.${region}.amazoncognito.com`;
  return { userPool, resourceServer, webClient, m2mClient, issuer, domainUrl, codeSender };
}
