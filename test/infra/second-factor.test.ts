/**
 * Issue 9, the second factor: the custom auth triggers on the user pool, the
 * SES identity they send from, the web client's auth flows, and the
 * branded sign-in's attempts table with the BFF's access to it.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { asList, type IamStatement, type MockResource, ofType, parsePolicy, resource, type SynthResult, synth } from "./harness/index.ts";

type Inputs = Record<string, unknown>;
const get = (value: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((v, k) => (v as Inputs | undefined)?.[k], value);
const lambda = (r: SynthResult, name: string) => resource(r.resources, "aws:lambda/function:Function", `${name}Function`);
const envOf = (fn: MockResource) => (get(fn.inputs, "environment", "variables") ?? {}) as Record<string, string>;

const triggers = {
  defineAuthChallenge: "define",
  createAuthChallenge: "create",
  verifyAuthChallengeResponse: "verify",
} as const;

/** Every statement a role may use: its inline policies and the RolePolicies attached to it by name. */
function statementsOf(r: SynthResult, role: MockResource): IamStatement[] {
  const inline = ((role.inputs.inlinePolicies ?? []) as { policy?: string }[]).flatMap((p) =>
    p.policy ? parsePolicy(p.policy).Statement : [],
  );
  const attached = ofType(r.resources, "aws:iam/rolePolicy:RolePolicy")
    .filter((p) => p.inputs.role === (role.inputs.name ?? role.name))
    .flatMap((p) => parsePolicy(p.inputs.policy).Statement);
  return [...inline, ...attached];
}

const savedEnv = { LOGIN_MODE: process.env.LOGIN_MODE, SENDER_EMAIL: process.env.SENDER_EMAIL };

function restoreEnv(): void {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

let dev: SynthResult;
let branded: SynthResult;

beforeAll(async () => {
  // Sequential: the runs share one Pulumi runtime in this process.
  delete process.env.LOGIN_MODE;
  delete process.env.SENDER_EMAIL;
  dev = await synth({ stage: "dev" });
  process.env.LOGIN_MODE = "branded";
  process.env.SENDER_EMAIL = "sign-in@mail.example.org";
  try {
    branded = await synth({ stage: "staging" });
  } finally {
    restoreEnv();
  }
});

afterEach(restoreEnv);

describe("second factor: Cognito custom auth triggers", () => {
  it("attaches Define, Create and Verify from packages/auth-challenge to the user pool", () => {
    // Act
    const pool = resource(dev.resources, "aws:cognito/userPool:UserPool", "UserPoolUserPool");
    const lambdaConfig = pool.inputs.lambdaConfig as Record<string, string>;

    // Assess
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
  });

  it("creates an SES email identity per stage, from SENDER_EMAIL at deploy time", () => {
    // Act
    const devIdentity = resource(dev.resources, "aws:sesv2/emailIdentity:EmailIdentity", "CodeSenderIdentity");
    const brandedIdentity = resource(branded.resources, "aws:sesv2/emailIdentity:EmailIdentity", "CodeSenderIdentity");

    // Assess
    expect(devIdentity.inputs.emailIdentity).toBe("no-reply@example.com");
    expect(brandedIdentity.inputs.emailIdentity).toBe("sign-in@mail.example.org");
    expect(envOf(lambda(dev, "UserPoolTriggercreateAuthChallenge")).CODE_SENDER_EMAIL).toBe("no-reply@example.com");
    expect(envOf(lambda(branded, "UserPoolTriggercreateAuthChallenge")).CODE_SENDER_EMAIL).toBe("sign-in@mail.example.org");
  });

  it("lets only the Create trigger send email, only SendEmail/SendRawEmail, only from the stage's identity", () => {
    // Prepare
    const identity = resource(dev.resources, "aws:sesv2/emailIdentity:EmailIdentity", "CodeSenderIdentity");
    const create = resource(dev.resources, "aws:iam/role:Role", "UserPoolTriggercreateAuthChallengeRole");

    // Act
    const sesStatements = (role: MockResource) =>
      statementsOf(dev, role).filter((s) => asList(s.Action).some((action) => action.startsWith("ses:") || action === "*"));

    // Assess
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
  });

  it("allows the web client the custom auth and refresh flows, never the user-password flow", () => {
    // Act
    const web = resource(dev.resources, "aws:cognito/userPoolClient:UserPoolClient", "WebClientClient");

    // Assess
    expect(asList(web.inputs.explicitAuthFlows as string[]).sort()).toEqual(["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
    expect(web.inputs).toMatchObject({ generateSecret: true, preventUserExistenceErrors: "ENABLED" });
  });
});

describe("second factor: the branded sign-in's attempts table", () => {
  it("keeps counters in an encrypted table keyed by pk, swept by TTL", () => {
    // Act
    const table = resource(dev.resources, "aws:dynamodb/table:Table", "SignInAttemptsTable");

    // Assess
    expect(table.inputs).toMatchObject({
      hashKey: "pk",
      attributes: [{ name: "pk", type: "S" }],
      ttl: { attributeName: "ttl", enabled: true },
      serverSideEncryption: { enabled: true },
    });
  });

  it("grants the BFF role only item-level calls on the attempts table", () => {
    // Prepare
    const table = resource(dev.resources, "aws:dynamodb/table:Table", "SignInAttemptsTable");
    const tableArn = `arn:aws:dynamodb:eu-west-1:123456789012:table/${String(table.inputs.name)}`;
    const role = resource(dev.resources, "aws:iam/role:Role", "BffRole");

    // Act
    const onTable = statementsOf(dev, role).filter((s) => asList(s.Resource).some((r) => r.startsWith(tableArn)));

    // Assess
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
  });

  it("gives the BFF the table, the user pool id and the stage's login mode, hosted unless LOGIN_MODE says branded", () => {
    // Prepare
    const pool = resource(dev.resources, "aws:cognito/userPool:UserPool", "UserPoolUserPool");

    // Act
    const hosted = envOf(lambda(dev, "BffAuth"));
    const brandedEnv = envOf(lambda(branded, "BffApi"));

    // Assess
    expect(hosted).toMatchObject({
      LOGIN_MODE: "hosted",
      COGNITO_USER_POOL_ID: pool.id,
      SIGNIN_TABLE: String(resource(dev.resources, "aws:dynamodb/table:Table", "SignInAttemptsTable").inputs.name),
    });
    expect(brandedEnv.LOGIN_MODE).toBe("branded");
    expect(brandedEnv.SIGNIN_TABLE).toBe(
      String(resource(branded.resources, "aws:dynamodb/table:Table", "SignInAttemptsTable").inputs.name),
    );
  });

  it("fails the deploy on a LOGIN_MODE it does not know", async () => {
    // Prepare
    process.env.LOGIN_MODE = "password";

    // Act
    const run = synth({ stage: "typo", timeoutMs: 60_000 });

    // Assess
    await expect(run).rejects.toThrow('Invalid LOGIN_MODE "password". Expected: "hosted" or "branded"');
  });
});
