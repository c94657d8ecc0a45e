/**
 * Issues 9 and 15, the second factor: the custom auth triggers on the user
 * pool, the SES identity they send from, the clients' flows (no way around
 * the code on a branded stage), the pre-token trigger that gives branded
 * sign-ins their scopes, and the branded sign-in's attempts table with the
 * BFF's access to it.
 */
import { brandedTokenScopes, functions, handlerOf, webClient } from "@spa-bff/core/infra";
import { expect } from "vitest";
import type { MockResource, SynthResult } from "../harness/index.ts";
import { asList, envOf, type Inputs, lambda, ofType, resource, statementsOf } from "./helpers.ts";
import { type Check, check } from "./types.ts";

const triggers = {
  defineAuthChallenge: "defineTrigger",
  createAuthChallenge: "createTrigger",
  verifyAuthChallengeResponse: "verifyTrigger",
} as const;

/** Cognito API flows that sign a user in without the custom challenge's emailed code. */
const passwordOnlyFlows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_AUTH"];

const clients = (run: SynthResult) => ofType(run.resources, "aws:cognito/userPoolClient:UserPoolClient");
const pool = (run: SynthResult) => resource(run.resources, "aws:cognito/userPool:UserPool", "UserPoolUserPool");

export const secondFactorChecks: Check[] = [
  check(
    "second-factor.triggers",
    "Define, Create and Verify from packages/auth-challenge are the user pool's triggers, outside the VPC, callable by Cognito only",
    ["dev"],
    ({ dev }) => {
      const userPool = pool(dev);
      const lambdaConfig = userPool.inputs.lambdaConfig as Record<string, string>;
      for (const [trigger, id] of Object.entries(triggers)) {
        const fn = lambda(dev, `UserPoolTrigger${trigger}`);
        expect(lambdaConfig[trigger], trigger).toBe(`arn:aws:lambda:eu-west-1:123456789012:function:${String(fn.inputs.name)}`);
        expect(fn.inputs.handler).toBe(handlerOf(functions[id]));
        expect(fn.inputs.handler).toMatch(/^packages\/auth-challenge\/src\/lambda\/(define|create|verify)\.handler$/);
        expect(fn.inputs).toMatchObject({ runtime: "nodejs22.x", timeout: 5 });
        expect(fn.inputs.vpcConfig, trigger).toBeUndefined();
        const permission = resource(dev.resources, "aws:lambda/permission:Permission", `UserPoolPermission${trigger}`);
        expect(permission.inputs).toMatchObject({
          action: "lambda:InvokeFunction",
          function: lambdaConfig[trigger],
          principal: "cognito-idp.amazonaws.com",
          sourceArn: `arn:aws:cognito-idp:eu-west-1:123456789012:userpool/${userPool.id}`,
        });
      }
    },
  ),

  check(
    "second-factor.sender",
    "each stage sends codes from its own SES identity: the SenderEmail setting, else an address unique to the app and stage",
    ["dev", "branded"],
    ({ dev, branded }) => {
      const devIdentity = resource(dev.resources, "aws:sesv2/emailIdentity:EmailIdentity", "CodeSenderIdentity");
      const brandedIdentity = resource(branded.resources, "aws:sesv2/emailIdentity:EmailIdentity", "CodeSenderIdentity");
      expect(devIdentity.inputs.emailIdentity).toBe("no-reply+spa-bff-dev@example.com");
      expect(brandedIdentity.inputs.emailIdentity).toBe("sign-in@mail.example.org");
      expect(envOf(lambda(dev, "UserPoolTriggercreateAuthChallenge")).CODE_SENDER_EMAIL).toBe("no-reply+spa-bff-dev@example.com");
      expect(envOf(lambda(branded, "UserPoolTriggercreateAuthChallenge")).CODE_SENDER_EMAIL).toBe("sign-in@mail.example.org");
    },
  ),

  check(
    "second-factor.send-permission",
    "only the Create trigger may send email: SendEmail/SendRawEmail only, from the stage's identity only",
    ["dev"],
    ({ dev }) => {
      const identity = resource(dev.resources, "aws:sesv2/emailIdentity:EmailIdentity", "CodeSenderIdentity");
      const create = resource(dev.resources, "aws:iam/role:Role", "UserPoolTriggercreateAuthChallengeRole");
      const sesStatements = (role: MockResource) =>
        statementsOf(dev, role).filter((s) => asList(s.Action).some((action) => action.startsWith("ses:") || action === "*"));
      const createSes = sesStatements(create);
      expect(createSes).toHaveLength(1);
      expect(asList(createSes[0]?.Action).sort()).toEqual(["ses:SendEmail", "ses:SendRawEmail"]);
      // The identity, and the configuration set SST makes its default (SES authorizes a send against both).
      expect(asList(createSes[0]?.Resource)).toEqual([
        "arn:aws:mock:eu-west-1:123456789012:sesv2/emailIdentity/CodeSenderIdentity",
        "arn:aws:mock:eu-west-1:123456789012:sesv2/configurationSet/CodeSenderConfig",
      ]);
      expect(identity.inputs.configurationSetName).toEqual(expect.stringContaining("codesenderconfig"));
      for (const role of ofType(dev.resources, "aws:iam/role:Role").filter((r) => r.name !== create.name)) {
        expect(sesStatements(role), role.name).toEqual([]);
      }
    },
  ),

  check(
    "second-factor.auth-flows",
    "the web client's API flows are the declaration's: a branded stage allows the custom challenge (and refresh), never a password-only flow; a hosted stage signs in on the hosted page only",
    ["dev", "branded"],
    ({ dev, branded }) => {
      const flows = (run: SynthResult) =>
        asList(
          resource(run.resources, "aws:cognito/userPoolClient:UserPoolClient", "WebClientClient").inputs.explicitAuthFlows as string[],
        );
      expect(flows(branded).sort()).toEqual(["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
      expect(flows(branded)).toEqual([...webClient.explicitAuthFlows("branded")]);
      expect(flows(dev)).toEqual([...webClient.explicitAuthFlows("hosted")]);
      for (const run of [dev, branded]) {
        for (const client of clients(run)) {
          const explicit = asList(client.inputs.explicitAuthFlows as string[]);
          // An empty list is Cognito's default set, which includes SRP.
          expect(explicit.length, `${run.stage} ${client.name}`).toBeGreaterThan(0);
          expect(
            explicit.filter((flow) => passwordOnlyFlows.includes(flow)),
            `${run.stage} ${client.name}`,
          ).toEqual([]);
        }
      }
      expect(resource(branded.resources, "aws:cognito/userPoolClient:UserPoolClient", "WebClientClient").inputs).toMatchObject({
        generateSecret: true,
        preventUserExistenceErrors: "ENABLED",
      });
    },
  ),

  check(
    "second-factor.no-hosted-bypass",
    "a branded stage's clients allow no OAuth flow a user could sign in with (Cognito's hosted page skips the custom challenge): no code grant, no callback; a hosted stage's web client is a code-flow client",
    ["dev", "branded"],
    ({ dev, branded }) => {
      for (const client of clients(branded)) {
        const userFlows = asList(client.inputs.allowedOauthFlows as string[]).filter((flow) => flow !== "client_credentials");
        expect(userFlows, client.name).toEqual([]);
      }
      const web = resource(branded.resources, "aws:cognito/userPoolClient:UserPoolClient", "WebClientClient").inputs;
      expect(web).toMatchObject({ allowedOauthFlows: [], allowedOauthFlowsUserPoolClient: false, callbackUrls: [], logoutUrls: [] });
      expect(asList(web.allowedOauthScopes as string[])).toEqual([]);
      const hosted = resource(dev.resources, "aws:cognito/userPoolClient:UserPoolClient", "WebClientClient").inputs;
      expect(hosted).toMatchObject({ allowedOauthFlows: ["code"], allowedOauthFlowsUserPoolClient: true });
      expect(asList(hosted.callbackUrls as string[]).length).toBeGreaterThan(0);
    },
  ),

  check(
    "second-factor.pre-token",
    "a branded pool runs the pre-token trigger (event V2_0, Essentials plan) that adds the declared scopes to API sign-ins' access tokens; a hosted pool has none",
    ["dev", "branded"],
    ({ dev, branded }) => {
      const userPool = pool(branded);
      const fn = lambda(branded, "UserPoolTriggerpreTokenGeneration");
      expect(userPool.inputs.userPoolTier).toBe("ESSENTIALS");
      expect((userPool.inputs.lambdaConfig as Inputs).preTokenGenerationConfig).toEqual({
        lambdaArn: `arn:aws:lambda:eu-west-1:123456789012:function:${String(fn.inputs.name)}`,
        lambdaVersion: "V2_0",
      });
      expect(fn.inputs.handler).toBe(handlerOf(functions.preTokenTrigger));
      expect(fn.inputs).toMatchObject({ handler: "packages/auth-challenge/src/lambda/pre-token.handler", timeout: 5 });
      expect(fn.inputs.vpcConfig).toBeUndefined();
      expect(envOf(fn)).toMatchObject({ TOKEN_SCOPES: brandedTokenScopes.join(" "), TOKEN_SCOPES_CLIENT_IDS: "*" });
      expect(envOf(fn).TOKEN_SCOPES).toBe("items/read items/write");
      const permission = resource(branded.resources, "aws:lambda/permission:Permission", "UserPoolPermissionpreTokenGeneration");
      expect(permission.inputs).toMatchObject({ principal: "cognito-idp.amazonaws.com", action: "lambda:InvokeFunction" });
      expect((pool(dev).inputs.lambdaConfig as Inputs).preTokenGenerationConfig).toBeUndefined();
      expect(ofType(dev.resources, "aws:lambda/function:Function").map((f) => f.name)).not.toContain(
        "UserPoolTriggerpreTokenGenerationFunction",
      );
    },
  ),

  check("second-factor.attempts-table", "sign-in counters live in an encrypted table keyed by pk, swept by TTL", ["dev"], ({ dev }) => {
    const table = resource(dev.resources, "aws:dynamodb/table:Table", "SignInAttemptsTable");
    expect(table.inputs).toMatchObject({
      hashKey: "pk",
      attributes: [{ name: "pk", type: "S" }],
      ttl: { attributeName: "ttl", enabled: true },
      serverSideEncryption: { enabled: true },
    });
  }),

  check(
    "second-factor.attempts-grants",
    "only the BFF's role reaches the attempts table, with item-level calls only",
    ["dev"],
    ({ dev }) => {
      const table = resource(dev.resources, "aws:dynamodb/table:Table", "SignInAttemptsTable");
      const tableArn = `arn:aws:dynamodb:eu-west-1:123456789012:table/${String(table.inputs.name)}`;
      const role = resource(dev.resources, "aws:iam/role:Role", "BffRole");
      const onTable = statementsOf(dev, role).filter((s) => asList(s.Resource).some((r) => r.startsWith(tableArn)));
      expect(onTable).toHaveLength(1);
      expect(onTable[0]?.Sid).toBe("SignInAttempts");
      expect(asList(onTable[0]?.Resource)).toEqual([tableArn]);
      expect(asList(onTable[0]?.Action).sort()).toEqual([
        "dynamodb:DeleteItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
      ]);
      for (const other of ofType(dev.resources, "aws:iam/role:Role").filter((r) => r.name !== role.name)) {
        const reaches = statementsOf(dev, other).filter((s) => asList(s.Resource).some((r) => r.startsWith(tableArn)));
        expect(reaches, other.name).toEqual([]);
      }
    },
  ),

  check(
    "second-factor.login-mode",
    "the BFF gets the table, the user pool id and the stage's LoginMode setting (hosted unless set to branded)",
    ["dev", "branded"],
    ({ dev, branded }) => {
      expect(envOf(lambda(dev, "BffAuth"))).toMatchObject({
        LOGIN_MODE: "hosted",
        COGNITO_USER_POOL_ID: pool(dev).id,
        SIGNIN_TABLE: String(resource(dev.resources, "aws:dynamodb/table:Table", "SignInAttemptsTable").inputs.name),
      });
      const brandedEnv = envOf(lambda(branded, "BffApi"));
      expect(brandedEnv.LOGIN_MODE).toBe("branded");
      expect(brandedEnv.SIGNIN_TABLE).toBe(
        String(resource(branded.resources, "aws:dynamodb/table:Table", "SignInAttemptsTable").inputs.name),
      );
    },
  ),
];
