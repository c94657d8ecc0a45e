import { lambdaBundle } from "../scripts/lambda-bundle/options.ts";
import { isProduction, localOrigin } from "./stage.ts";

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

/**
 * The address the second factor's codes come from, per stage at deploy time
 * (`SENDER_EMAIL`). SES identities are per account and region, so stages
 * sharing an account need different addresses (README, "Deploy to AWS").
 */
export function codeSenderAddress(): string {
  return process.env.SENDER_EMAIL ?? "no-reply@example.com";
}

/** SES calls the Create trigger may make; nothing else (no `ses:*`, no templates). */
export const codeSenderActions = ["ses:SendEmail", "ses:SendRawEmail"];

/** The custom auth triggers: short-lived, no VPC (they reach only SES), bundled like every other function. */
function triggerFunction(name: "define" | "create" | "verify") {
  return {
    handler: `packages/auth-challenge/src/${name}.handler`,
    runtime: "nodejs22.x" as const,
    nodejs: lambdaBundle,
    memory: "256 MB" as const,
    // Cognito waits 5 seconds for a trigger, then fails the sign-in.
    timeout: "5 seconds" as const,
  };
}

/**
 * Cognito: the user pool (admin-created users only, strong passwords,
 * optional TOTP), its hosted domain, the `items` resource server and the two
 * clients. The pool runs the second factor of the branded sign-in as a
 * custom auth challenge: Define/Create/Verify triggers from
 * packages/auth-challenge, with codes emailed from the stage's SES identity. `siteUrl` is the stage's CloudFront URL: callback and logout URLs
 * point there, and in dev stages at the local platform too.
 */
export function createAuth(siteUrl: $util.Input<string>): Auth {
  const production = isProduction();
  const codeSender = new sst.aws.Email("CodeSender", { sender: codeSenderAddress() });
  const userPool = new sst.aws.CognitoUserPool("UserPool", {
    aliases: ["email"],
    mfa: "optional",
    softwareToken: true,
    domain: { prefix: `${$app.name}-${$app.stage}` },
    triggers: {
      defineAuthChallenge: triggerFunction("define"),
      createAuthChallenge: {
        ...triggerFunction("create"),
        environment: { CODE_SENDER_EMAIL: codeSender.sender, LOG_LEVEL: "INFO" },
        // Not `link: [codeSender]`: that grants ses:* and SendEmail on "*". The identity has SST's
        // configuration set as its default, and SES authorizes a send against that set too.
        permissions: [
          {
            actions: codeSenderActions,
            resources: [codeSender.nodes.identity.arn, codeSender.nodes.configurationSet.arn],
          },
        ],
      },
      verifyAuthChallengeResponse: triggerFunction("verify"),
    },
    transform: {
      userPool: (args) => {
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

  const origins = $output(siteUrl).apply((url) => {
    const site = url.replace(/\/$/, "");
    return production ? [site] : [site, localOrigin];
  });

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

  const region = aws.getRegionOutput().region;
  const issuer = $interpolate`https://cognito-idp.${region}.amazonaws.com/${userPool.id}`;
  const domainUrl = $interpolate`https://${$app.name}-${$app.stage}.auth.${region}.amazoncognito.com`;
  return { userPool, resourceServer, webClient, m2mClient, issuer, domainUrl, codeSender };
}
