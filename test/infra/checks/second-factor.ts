/**
 * Issue 9, the second factor: the custom auth triggers on the user pool, the
 * SES identity they send from, the web client's auth flows, and the branded
 * sign-in's attempts table with the BFF's access to it.
 */
import { expect } from "vitest";
import type { MockResource } from "../harness/index.ts";
import { asList, envOf, lambda, ofType, resource, statementsOf } from "./helpers.ts";
import { type Check, check } from "./types.ts";

const triggers = {
  defineAuthChallenge: "define",
  createAuthChallenge: "create",
  verifyAuthChallengeResponse: "verify",
} as const;

export const secondFactorChecks: Check[] = [
  check(
    "second-factor.triggers",
    "Define, Create and Verify from packages/auth-challenge are the user pool's triggers, outside the VPC, callable by Cognito only",
    ["dev"],
    ({ dev }) => {
      const pool = resource(dev.resources, "aws:cognito/userPool:UserPool", "UserPoolUserPool");
      const lambdaConfig = pool.inputs.lambdaConfig as Record<string, string>;
      for (const [trigger, file] of Object.entries(triggers)) {
        const fn = lambda(dev, `UserPoolTrigger${trigger}`);
        expect(lambdaConfig[trigger], trigger).toBe(`arn:aws:lambda:eu-west-1:123456789012:function:${String(fn.inputs.name)}`);
        expect(fn.inputs).toMatchObject({ handler: `packages/auth-challenge/src/${file}.handler`, runtime: "nodejs22.x", timeout: 5 });
        expect(fn.inputs.vpcConfig, trigger).toBeUndefined();
        const permission = resource(dev.resources, "aws:lambda/permission:Permission", `UserPoolPermission${trigger}`);
        expect(permission.inputs).toMatchObject({
          action: "lambda:InvokeFunction",
          function: lambdaConfig[trigger],
          principal: "cognito-idp.amazonaws.com",
          sourceArn: `arn:aws:cognito-idp:eu-west-1:123456789012:userpool/${pool.id}`,
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
    "the web client allows the custom auth and refresh flows, never the user-password flow",
    ["dev"],
    ({ dev }) => {
      const web = resource(dev.resources, "aws:cognito/userPoolClient:UserPoolClient", "WebClientClient");
      expect(asList(web.inputs.explicitAuthFlows as string[]).sort()).toEqual(["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
      expect(web.inputs).toMatchObject({ generateSecret: true, preventUserExistenceErrors: "ENABLED" });
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
      const pool = resource(dev.resources, "aws:cognito/userPool:UserPool", "UserPoolUserPool");
      expect(envOf(lambda(dev, "BffAuth"))).toMatchObject({
        LOGIN_MODE: "hosted",
        COGNITO_USER_POOL_ID: pool.id,
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
