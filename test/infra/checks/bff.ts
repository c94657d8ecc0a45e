import { expect } from "vitest";
import { allRoleStatements, asList, envOf, get, lambda, ofType, parsePolicy, resource, roleArn, statementsOf } from "./helpers.ts";
import { type Check, check } from "./types.ts";

const bffFunctions = ["BffAuth", "BffApi", "BffFiles"];

/** Actions that use a KMS key on data or hand its use to someone else. */
const keyUse = /^kms:(\*|Encrypt|Decrypt|ReEncrypt.*|GenerateDataKey.*|CreateGrant|Create\*|Put\*|\w*\*)$/;

export const bffChecks: Check[] = [
  check(
    "bff.sessions-table",
    "sessions live in a table with TTL, point-in-time recovery, encryption and the bySub index",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) {
        const table = resource(run.resources, "aws:dynamodb/table:Table", "SessionsTable");
        expect(table.inputs).toMatchObject({
          hashKey: "pk",
          ttl: { attributeName: "ttl", enabled: true },
          pointInTimeRecovery: { enabled: true },
          serverSideEncryption: { enabled: true },
        });
        expect((table.inputs.globalSecondaryIndexes as { name: string }[]).map((i) => i.name)).toEqual(["bySub"]);
      }
    },
  ),

  check(
    "bff.key-users",
    "only the BFF's role may use the session key, and only with the bff-session encryption context",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) {
        const key = resource(run.resources, "aws:kms/key:Key", "SessionKey");
        expect(key.inputs.enableKeyRotation).toBe(true);
        const bffRole = roleArn(resource(run.resources, "aws:iam/role:Role", "BffRole"));
        const allows = parsePolicy(key.inputs.policy).Statement.filter((s) => s.Effect === "Allow");
        const users = allows.filter((s) => asList(s.Action).some((a) => keyUse.test(a)));
        expect(users).toEqual([
          {
            Sid: "BffSessionDataKeys",
            Effect: "Allow",
            Principal: { AWS: bffRole },
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: "*",
            Condition: { StringEquals: { "kms:EncryptionContext:purpose": "bff-session" } },
          },
        ]);
      }
    },
  ),

  check(
    "bff.key-administration",
    "the account administers the session key with named actions only: no wildcard, no CreateGrant, nothing that uses the key",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) {
        const statements = parsePolicy(resource(run.resources, "aws:kms/key:Key", "SessionKey").inputs.policy).Statement;
        const admin = statements.find((s) => s.Sid === "KeyAdministration");
        expect(admin).toMatchObject({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Resource: "*" });
        const actions = asList(admin?.Action);
        for (const action of actions) {
          expect(action, "wildcards such as kms:Create* include CreateGrant").not.toContain("*");
          expect(action).not.toMatch(keyUse);
        }
        // What administration needs, and what the deploy itself calls (PutKeyPolicy: KMS's lockout check demands it).
        expect(actions).toEqual(
          expect.arrayContaining([
            "kms:PutKeyPolicy",
            "kms:DescribeKey",
            "kms:ScheduleKeyDeletion",
            "kms:EnableKeyRotation",
            "kms:TagResource",
          ]),
        );
      }
    },
  ),

  check(
    "bff.key-deny",
    "the session key's policy denies every use to anyone but the BFF's role, and CreateGrant to everyone, whatever IAM or grants say",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) {
        const statements = parsePolicy(resource(run.resources, "aws:kms/key:Key", "SessionKey").inputs.policy).Statement;
        const bffRole = roleArn(resource(run.resources, "aws:iam/role:Role", "BffRole"));
        const denies = statements.filter((s) => s.Effect === "Deny");
        const others = denies.find((s) => s.Condition !== undefined);
        expect(others).toMatchObject({ Principal: "*", Resource: "*", Condition: { ArnNotEquals: { "aws:PrincipalArn": bffRole } } });
        expect(asList(others?.Action).sort()).toEqual([
          "kms:CreateGrant",
          "kms:Decrypt",
          "kms:Encrypt",
          "kms:GenerateDataKey*",
          "kms:ReEncrypt*",
        ]);
        const grants = denies.find((s) => s.Condition === undefined);
        expect(grants).toMatchObject({ Principal: "*", Action: "kms:CreateGrant", Resource: "*" });
      }
    },
  ),

  check(
    "bff.key-retained",
    "production keeps the session key on removal (sealed sessions are unreadable without it), with a 30-day deletion window",
    ["dev", "production"],
    ({ dev, production }) => {
      const prod = resource(production.resources, "aws:kms/key:Key", "SessionKey");
      expect(prod.options.retainOnDelete).toBe(true);
      expect(prod.inputs.deletionWindowInDays).toBe(30);
      expect(resource(dev.resources, "aws:kms/key:Key", "SessionKey").options.retainOnDelete).toBe(false);
    },
  ),

  check("bff.runtime", "the BFF runs on nodejs22.x with a timeout above its upstream timeout", ["dev"], ({ dev }) => {
    const bff = lambda(dev, "BffAuth");
    expect(bff.inputs).toMatchObject({ runtime: "nodejs22.x", memorySize: 512, timeout: 15 });
    expect(Number(envOf(bff).UPSTREAM_TIMEOUT_MS) / 1000).toBeLessThan(Number(bff.inputs.timeout));
    expect(envOf(bff)).toMatchObject({
      KEY_PROVIDER: "kms",
      OIDC_LOGOUT_URL: expect.stringMatching(/\/logout$/),
      API_BASE_URL: dev.outputs.api,
      APP_ORIGIN: String(dev.outputs.site).replace(/\/$/, ""),
    });
  }),

  check("bff.entries", "each BFF function deploys from its own entry, so each bundle carries only its route group", ["dev"], ({ dev }) => {
    expect(lambda(dev, "BffAuth").inputs.handler).toBe("packages/bff/src/lambda-auth.handler");
    expect(lambda(dev, "BffApi").inputs.handler).toBe("packages/bff/src/lambda-api.handler");
    expect(lambda(dev, "BffFiles").inputs.handler).toBe("packages/bff/src/lambda-files.handler");
  }),

  check(
    "bff.origin-access",
    "the BFF is reachable only as AWS_IAM function URLs that CloudFront signs (OAC), without CORS",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) {
        const urls = ofType(run.resources, "aws:lambda/functionUrl:FunctionUrl");
        expect(urls.map((u) => u.name).sort()).toEqual(["BffApiUrl", "BffAuthUrl", "BffFilesUrl"]);
        for (const url of urls) {
          expect(url.inputs.authorizationType, url.name).toBe("AWS_IAM");
          // Lambda answers CORS itself, before the function runs: same-origin behind the Router needs none.
          expect(url.inputs.cors, url.name).toBeUndefined();
        }
        const permissions = ofType(run.resources, "aws:lambda/permission:Permission").filter((p) =>
          String(p.inputs.function).includes("Bff"),
        );
        expect(permissions.length).toBeGreaterThan(0);
        for (const p of permissions) expect(p.inputs.principal).toBe("cloudfront.amazonaws.com");
        const routeKeys = ofType(run.resources, "pulumi-nodejs:dynamic:Resource").filter((r) =>
          /^Bff(Auth|Api|Files)RouteKey\./.test(r.name),
        );
        expect(routeKeys).toHaveLength(3);
        for (const key of routeKeys)
          expect(JSON.parse(String(get(key.inputs, "entries", "metadata")))).toMatchObject({
            origin: { originAccessControlConfig: { enabled: true, originType: "lambda" } },
          });
      }
    },
  ),

  check(
    "bff.dynamodb-grants",
    "the BFF's role may only make item-level calls on its sessions table and Query its bySub index, never dynamodb:*",
    ["dev"],
    ({ dev }) => {
      const policy = parsePolicy(resource(dev.resources, "aws:iam/rolePolicy:RolePolicy", "BffSessionsPolicy").inputs.policy);
      const dynamo = policy.Statement.filter((s) => asList(s.Action).some((a) => a.startsWith("dynamodb:")));
      expect(dynamo.flatMap((s) => asList(s.Action)).sort()).toEqual([
        "dynamodb:DeleteItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
      ]);
      const table = resource(dev.resources, "aws:dynamodb/table:Table", "SessionsTable");
      const tableArn = `arn:aws:dynamodb:eu-west-1:123456789012:table/${String(table.inputs.name)}`;
      const items = dynamo.find((s) => asList(s.Action).includes("dynamodb:GetItem"));
      expect(asList(items?.Resource)).toEqual([tableArn]);
      const query = dynamo.find((s) => asList(s.Action).includes("dynamodb:Query"));
      expect(asList(query?.Action)).toEqual(["dynamodb:Query"]);
      expect(asList(query?.Resource)).toEqual([`${tableArn}/index/bySub`]);
    },
  ),

  check(
    "bff.kms-grants",
    "the BFF's role may only GenerateDataKey and Decrypt, on the session key only, with the bff-session encryption context",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) {
        const role = resource(run.resources, "aws:iam/role:Role", "BffRole");
        const kms = statementsOf(run, role).filter((s) => asList(s.Action).some((a) => a.startsWith("kms:")));
        const key = resource(run.resources, "aws:kms/key:Key", "SessionKey");
        expect(kms).toEqual([
          {
            Sid: "SessionDataKeys",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: [`arn:aws:kms:eu-west-1:123456789012:key/${key.id}`],
            Condition: { StringEquals: { "kms:EncryptionContext:purpose": "bff-session" } },
          },
        ]);
        expect(envOf(lambda(run, "BffApi")).KMS_KEY_ID).toBe(`arn:aws:kms:eu-west-1:123456789012:key/${key.id}`);
      }
    },
  ),

  check(
    "iam.no-wildcard-data-actions",
    "no role anywhere has a wildcard action on data (dynamodb, kms, s3) or on everything",
    ["dev", "production", "live"],
    ({ dev, production, live }) => {
      for (const run of [dev, production, live]) {
        for (const statement of allRoleStatements(run)) {
          for (const action of asList(statement.Action)) {
            expect(action, JSON.stringify(statement)).not.toMatch(/^(\*|dynamodb:\*|kms:\*|s3:\*|s3:Get\*|s3:Put\*|dynamodb:\w*\*)$/);
          }
        }
      }
    },
  ),

  check("bff.functions-share-role", "the three BFF functions run as the one BFF role, which trusts Lambda only", ["dev"], ({ dev }) => {
    const role = resource(dev.resources, "aws:iam/role:Role", "BffRole");
    for (const name of bffFunctions) expect(lambda(dev, name).inputs.role).toBe(roleArn(role));
    expect(parsePolicy(role.inputs.assumeRolePolicy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  }),
];
