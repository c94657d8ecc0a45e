import { brandedTokenScopes, type FunctionId, functions, type LoginMode, m2mClient, resourceServer, webClient } from "@spa-bff/core/infra";
import { functionArgs } from "./functions.ts";
import type { GrantTargets } from "./grants.ts";
import { cognitoDomainPrefix, stageSettings } from "./settings.ts";
import { isProduction, loopbackOrigins } from "./stage.ts";

/** SST does not export the client class; this is what `addClient` returns. */
export type UserPoolClient = ReturnType<sst.aws.CognitoUserPool["addClient"]>;

export interface Auth {
  userPool: sst.aws.CognitoUserPool;
  resourceServer: aws.cognito.ResourceServer;
  /** Confidential client of the BFF. Linked, so its secret never sits in code or env. */
  webClient: UserPoolClient;
  /** client_credentials client of the scheduled job. */
  m2mClient: UserPoolClient;
  /** OIDC issuer URL of the pool. */
  issuer: $util.Output<string>;
  /** Hosted UI base URL (`https://<prefix>.auth.<region>.amazoncognito.com`). */
  domainUrl: $util.Output<string>;
  /** The SES identity the second factor's codes are sent from. */
  codeSender: sst.aws.Email;
  /** How users sign in on this stage (the `LoginMode` setting). */
  loginMode: LoginMode;
}

/** The SST component name of the pool; its triggers are named `<pool>Trigger<trigger>` by SST. */
const poolName = "UserPool";

/** Cognito API flows that sign a user in with the password alone (or without the custom challenge). */
const firstFactorOnlyFlows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_AUTH"];

/** What a client of the pool allows, as the guard below reads it. */
export interface ClientFlows {
  readonly name: string;
  readonly allowedOauthFlows: readonly string[];
  readonly explicitAuthFlows: readonly string[];
}

/**
 * Why a client would let a user of this stage sign in without the second
 * factor, or undefined. Branded stages send every user through the custom
 * challenge (password, then an emailed code), which Cognito runs only for
 * `CUSTOM_AUTH` through its API: its hosted page (any OAuth flow but
 * client_credentials) and the SRP or plain password flows skip it. An empty
 * `explicitAuthFlows` is Cognito's default set, SRP included, on any stage.
 */
export function secondFactorBypass(mode: LoginMode, client: ClientFlows): string | undefined {
  if (client.explicitAuthFlows.length === 0) {
    return `the ${client.name} client states no explicitAuthFlows, which Cognito reads as its default set (ALLOW_USER_SRP_AUTH included)`;
  }
  if (mode !== "branded") return undefined;
  const userOauthFlows = client.allowedOauthFlows.filter((flow) => flow !== "client_credentials");
  if (userOauthFlows.length > 0) {
    return `the ${client.name} client allows the OAuth flows ${userOauthFlows.join(", ")}: Cognito's hosted page signs a user in with the password alone, without the emailed code`;
  }
  const passwordOnly = client.explicitAuthFlows.filter((flow) => firstFactorOnlyFlows.includes(flow));
  if (passwordOnly.length > 0) {
    return `the ${client.name} client allows ${passwordOnly.join(", ")}, which signs a user in without the custom challenge's emailed code`;
  }
  return undefined;
}

/** A client argument as the guard reads it: the plain list this file sets (an Output would hide the value from the guard). */
function plainList(name: string, value: unknown): string[] {
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value;
  throw new Error(`The ${name} of a user pool client must be a plain list of strings here, so the second-factor guard can read it.`);
}

/** Refuses, at deploy time, a client whose final arguments would let a user around the second factor. */
function assertNoBypass(mode: LoginMode, name: string, args: aws.cognito.UserPoolClientArgs): void {
  const client = {
    name,
    allowedOauthFlows: plainList("allowedOauthFlows", args.allowedOauthFlows ?? []),
    explicitAuthFlows: plainList("explicitAuthFlows", args.explicitAuthFlows ?? []),
  };
  const reason = secondFactorBypass(mode, client);
  if (reason)
    throw new Error(`LoginMode "${mode}" on stage "${$app.stage}": ${reason}. Refusing to deploy a way around the second factor.`);
}

/** A lifetime in seconds as Cognito takes it: the largest unit that divides it. */
export function tokenValidity(seconds: number): { value: number; unit: "days" | "hours" | "minutes" | "seconds" } {
  for (const [unit, size] of [
    ["days", 86_400],
    ["hours", 3_600],
    ["minutes", 60],
  ] as const) {
    if (seconds % size === 0) return { value: seconds / size, unit };
  }
  return { value: seconds, unit: "seconds" };
}

/**
 * Cognito: the user pool (admin-created users only, strong passwords,
 * optional TOTP), its hosted domain, the `items` resource server and the two
 * clients, all as the shared declaration (`@spa-bff/core/infra`) states them.
 *
 * The pool runs the second factor of the branded sign-in as a custom auth
 * challenge: Define/Create/Verify triggers from packages/auth-challenge, with
 * codes emailed from the stage's SES identity (the `SenderEmail` setting).
 * On a branded stage the web client has no OAuth flow at all (so Cognito's
 * hosted page cannot sign anyone in), and a Pre Token Generation trigger
 * (event V2_0, which needs the Essentials feature plan) adds the app's
 * scopes to the access tokens of API sign-ins, which Cognito issues without
 * custom scopes. On a hosted stage the web client is a code-flow client
 * whose callback and logout URLs are `siteUrl`, plus the local platform and
 * Vite's dev server outside production.
 *
 * Production retains the pool (its users) on removal, like the tables.
 */
export function createAuth(siteUrl: $util.Input<string>, targets: GrantTargets): Auth {
  const production = isProduction();
  const { loginMode, senderEmail } = stageSettings();
  const codeSender = new sst.aws.Email("CodeSender", { sender: senderEmail });
  // SES authorizes a send against the identity and the configuration set SST makes its default.
  targets.register({ emailIdentity: "CodeSender" }, codeSender.nodes.identity.arn, codeSender.nodes.configurationSet.arn);

  const region = aws.getRegionOutput().region;
  const domainPrefix = $output([aws.getCallerIdentityOutput().accountId, region]).apply(([accountId, r]) =>
    cognitoDomainPrefix($app.name, $app.stage, accountId, r),
  );

  // Cognito waits 5 seconds for a trigger; the declaration's timeouts say so. Outside the VPC: they reach only SES.
  const trigger = (key: string, id: FunctionId, environment?: Record<string, $util.Input<string>>) => {
    const declared = functions[id].name;
    if (declared !== `${poolName}Trigger${key}`)
      throw new Error(`SST names the ${key} trigger ${poolName}Trigger${key}; the declaration says ${declared}.`);
    return functionArgs(id, { targets }, environment ? { environment } : {});
  };

  const userPool = new sst.aws.CognitoUserPool(poolName, {
    aliases: ["email"],
    mfa: "optional",
    softwareToken: true,
    domain: { prefix: domainPrefix },
    triggers: {
      defineAuthChallenge: trigger("defineAuthChallenge", "defineTrigger"),
      createAuthChallenge: trigger("createAuthChallenge", "createTrigger", { CODE_SENDER_EMAIL: codeSender.sender, LOG_LEVEL: "INFO" }),
      verifyAuthChallengeResponse: trigger("verifyAuthChallengeResponse", "verifyTrigger"),
      ...(loginMode === "branded"
        ? {
            // "*", not the web client's id: the pool needs the trigger, the trigger would need the client, and
            // the client needs the pool (a cycle). The other client (M2M) gets no V2_0 event: client_credentials
            // runs the trigger only with event V3_0.
            preTokenGeneration: trigger("preTokenGeneration", "preTokenTrigger", {
              TOKEN_SCOPES: brandedTokenScopes.join(" "),
              TOKEN_SCOPES_CLIENT_IDS: "*",
              LOG_LEVEL: "INFO",
            }),
            preTokenGenerationVersion: "v2" as const,
          }
        : {}),
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
        // The V2_0 pre-token event (scopes in access tokens) needs the Essentials plan; Lite refuses the trigger.
        if (loginMode === "branded") args.userPoolTier = "ESSENTIALS";
      },
    },
  });
  targets.register({ userPool: "UserPool" }, userPool.arn);

  const itemsServer = new aws.cognito.ResourceServer("ItemsResourceServer", {
    userPoolId: userPool.id,
    identifier: resourceServer.identifier,
    name: resourceServer.name,
    scopes: resourceServer.scopes.map((scope) => ({ scopeName: scope.name, scopeDescription: scope.description })),
  });

  const oauthFlows = webClient.allowedOauthFlows(loginMode);
  const origins = $output(siteUrl).apply((url) => [url.replace(/\/$/, ""), ...loopbackOrigins()]);
  const access = tokenValidity(webClient.accessTokenSeconds);
  const id = tokenValidity(webClient.idTokenSeconds);
  const refresh = tokenValidity(webClient.refreshTokenSeconds);

  const web = userPool.addClient(
    "WebClient",
    {
      transform: {
        client: (args) => {
          args.generateSecret = true;
          args.allowedOauthFlows = [...oauthFlows];
          args.allowedOauthFlowsUserPoolClient = oauthFlows.length > 0;
          // A branded client has no OAuth flow, so nothing to call back to (SST would default to https://example.com).
          args.allowedOauthScopes = oauthFlows.length > 0 ? [...webClient.scopes] : [];
          args.callbackUrls = oauthFlows.length > 0 ? origins.apply((list) => list.map((origin) => `${origin}/auth/callback`)) : [];
          args.logoutUrls = oauthFlows.length > 0 ? origins.apply((list) => list.map((origin) => `${origin}/`)) : [];
          args.explicitAuthFlows = [...webClient.explicitAuthFlows(loginMode)];
          args.enableTokenRevocation = webClient.enableTokenRevocation;
          args.preventUserExistenceErrors = webClient.preventUserExistenceErrors ? "ENABLED" : "LEGACY";
          args.accessTokenValidity = access.value;
          args.idTokenValidity = id.value;
          args.refreshTokenValidity = refresh.value;
          args.tokenValidityUnits = { accessToken: access.unit, idToken: id.unit, refreshToken: refresh.unit };
          args.refreshTokenRotation = {
            feature: webClient.refreshTokenRotation.enabled ? "ENABLED" : "DISABLED",
            retryGracePeriodSeconds: webClient.refreshTokenRotation.retryGraceSeconds,
          };
          // Last, on what the client ends up with.
          assertNoBypass(loginMode, "web", args);
        },
      },
    },
    { dependsOn: [itemsServer] },
  );

  const m2mAccess = tokenValidity(m2mClient.accessTokenSeconds);
  const m2m = userPool.addClient(
    "M2mClient",
    {
      transform: {
        client: (args) => {
          args.generateSecret = true;
          args.allowedOauthFlows = [...m2mClient.allowedOauthFlows];
          args.allowedOauthFlowsUserPoolClient = true;
          args.allowedOauthScopes = [...m2mClient.scopes];
          args.callbackUrls = [];
          args.supportedIdentityProviders = ["COGNITO"];
          args.explicitAuthFlows = [...m2mClient.explicitAuthFlows];
          args.accessTokenValidity = m2mAccess.value;
          args.tokenValidityUnits = { accessToken: m2mAccess.unit };
          assertNoBypass(loginMode, "M2M", args);
        },
      },
    },
    { dependsOn: [itemsServer] },
  );

  const issuer = $interpolate`https://cognito-idp.${region}.amazonaws.com/${userPool.id}`;
  const domainUrl = $interpolate`https://${domainPrefix}.auth.${region}.amazoncognito.com`;
  return { userPool, resourceServer: itemsServer, webClient: web, m2mClient: m2m, issuer, domainUrl, codeSender, loginMode };
}
