import { federatedFilesGrants, functions, type Grant, handlerOf, roleGrants, sessionsTable } from "@spa-bff/core/infra";
import { expect } from "vitest";
import type { IamStatement, MockResource, SynthResult } from "../harness/index.ts";
import {
  allRoleStatements,
  asList,
  envOf,
  get,
  lambda,
  lambdas,
  ofType,
  parsePolicy,
  resource,
  roleArn,
  roleOf,
  statementsOf,
} from "./helpers.ts";
import { type Check, check } from "./types.ts";

const bffFunctions = ["BffAuth", "BffApi", "BffFiles"];

/** What the BFF may call on its sessions table: item reads and writes, and a strongly consistent Query of one user's partition. */
const sessionsActions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"];
/** And on the sign-in attempts table: item reads and writes only. */
const signInActions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"];

/** The Lambda function of a declared function: an SST `Function`, or a `Cron`'s (`<name>Handler`). */
function declaredLambda(run: SynthResult, name: string): MockResource | undefined {
  return lambdas(run).find((fn) => fn.name === `${name}Function` || fn.name === `${name}HandlerFunction`);
}

/** A role's statements as the declaration's grants read: actions in order, whether a resource is named, whether a condition is set. */
function grantShape(statement: IamStatement): { actions: string[]; named: boolean; conditioned: boolean } {
  const resources = asList(statement.Resource);
  return {
    actions: asList(statement.Action),
    named: resources.length > 0 && !resources.includes("*"),
    conditioned: statement.Condition !== undefined,
  };
}

function declaredShape(grant: Grant): { actions: string[]; named: boolean; conditioned: boolean } {
  return {
    actions: [...grant.actions],
    named: true,
    conditioned: grant.encryptionContext !== undefined || grant.listPrefixes !== undefined,
  };
}

/** Actions that use a KMS key on data or hand its use to someone else. */
const keyUse = /^kms:(\*|Encrypt|Decrypt|ReEncrypt.*|GenerateDataKey.*|CreateGrant|Create\*|Put\*|\w*\*)$/;

export const bffChecks: Check[] = [
  check(
    "bff.sessions-table",
    "sessions live in one table keyed pk (S) + sk (S) as declared, with TTL on `ttl`, point-in-time recovery and encryption, and no index (every per-user read is a strongly consistent Query of the base table)",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) {
        const table = resource(run.resources, "aws:dynamodb/table:Table", "SessionsTable");
        expect(table.inputs).toMatchObject({
          hashKey: "pk",
          rangeKey: "sk",
          ttl: { attributeName: "ttl", enabled: true },
          pointInTimeRecovery: { enabled: true },
          serverSideEncryption: { enabled: true },
        });
        expect(table.inputs.attributes).toEqual([
          { name: "pk", type: "S" },
          { name: "sk", type: "S" },
        ]);
        // The declaration says the same (one source for the stacks and the local tables).
        expect(sessionsTable).toMatchObject({ primaryIndex: { hashKey: "pk", rangeKey: "sk" }, ttl: "ttl" });
        expect(table.inputs.globalSecondaryIndexes ?? []).toEqual([]);
        expect(table.inputs.localSecondaryIndexes ?? []).toEqual([]);
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

  check(
    "bff.runtime",
    "the BFF runs on nodejs22.x with the declared memory and a timeout above its upstream timeout",
    ["dev"],
    ({ dev }) => {
      const bff = lambda(dev, "BffAuth");
      expect(bff.inputs).toMatchObject({ runtime: "nodejs22.x", memorySize: 512, timeout: 15 });
      for (const id of ["bffAuth", "bffApi", "bffFiles"] as const) {
        expect(lambda(dev, functions[id].name).inputs, id).toMatchObject({
          memorySize: functions[id].memoryMb,
          timeout: functions[id].timeoutSeconds,
        });
      }
      expect(Number(envOf(bff).UPSTREAM_TIMEOUT_MS) / 1000).toBeLessThan(Number(bff.inputs.timeout));
      expect(envOf(bff)).toMatchObject({
        KEY_PROVIDER: "kms",
        OIDC_LOGOUT_URL: expect.stringMatching(/\/logout$/),
        API_BASE_URL: dev.outputs.api,
        APP_ORIGIN: String(dev.outputs.site).replace(/\/$/, ""),
      });
    },
  ),

  check(
    "bff.entries",
    "each BFF function deploys from its own entry (the declaration's), so each bundle carries only its route group",
    ["dev"],
    ({ dev }) => {
      expect(lambda(dev, "BffAuth").inputs.handler).toBe("packages/bff/src/lambda/auth.handler");
      expect(lambda(dev, "BffApi").inputs.handler).toBe("packages/bff/src/lambda/api.handler");
      expect(lambda(dev, "BffFiles").inputs.handler).toBe("packages/bff/src/lambda/files.handler");
      for (const id of ["bffAuth", "bffApi", "bffFiles"] as const)
        expect(lambda(dev, functions[id].name).inputs.handler).toBe(handlerOf(functions[id]));
    },
  ),

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
        // JSON: the function's name is a secret output once a secret is linked to it (the identifier key).
        const permissions = ofType(run.resources, "aws:lambda/permission:Permission").filter((p) =>
          JSON.stringify(p.inputs.function).includes("Bff"),
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
    "the BFF's role may make exactly Get/Put/Update/Delete and Query on its sessions table and item calls on its attempts table, as declared: never Scan, batch or PartiQL calls, dynamodb:*, or any index",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) {
        const role = resource(run.resources, "aws:iam/role:Role", "BffRole");
        const dynamo = statementsOf(run, role).filter((s) => asList(s.Action).some((a) => a.startsWith("dynamodb:")));
        const tableArn = (name: string) =>
          `arn:aws:dynamodb:eu-west-1:123456789012:table/${String(resource(run.resources, "aws:dynamodb/table:Table", name).inputs.name)}`;
        expect(dynamo.map((s) => asList(s.Resource))).toEqual([[tableArn("SessionsTable")], [tableArn("SignInAttemptsTable")]]);
        expect(dynamo.map((s) => asList(s.Action))).toEqual([sessionsActions, signInActions]);
        // Taken from the declaration, which the local DynamoDB enforces too.
        const declared = roleGrants.bff.filter((grant) => "table" in grant.resource).map((grant) => [...grant.actions]);
        expect(dynamo.map((s) => asList(s.Action))).toEqual(declared);
      }
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
            Sid: "SessionKey",
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

  check(
    "bff.identifier-hash-key",
    "each stage makes its own 32-byte identifier key (no manual step), linked to the three BFF functions only",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) {
        const bytes = resource(run.resources, "random:index/randomBytes:RandomBytes", "IdentifierHashKeyBytes");
        expect(bytes.inputs.length).toBe(32);
        for (const name of bffFunctions) expect(run.links[name], name).toEqual(expect.arrayContaining(["IdentifierHashKey"]));
        const value = String(get(resource(run.resources, "sst:sst:LinkRef", "IdentifierHashKeyLinkRef").inputs, "properties", "value"));
        // base64url: what the BFF's IDENTIFIER_HASH_KEY takes.
        expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
      }
    },
  ),

  check(
    "bff.operator-links",
    "the sessions operator command (under `sst shell`) finds the stage's links by the names it reads: Sessions.name, UserPool.id and IdentifierHashKey.value, and no SSM parameter or function role holds the key",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) {
        const link = (name: string) => resource(run.resources, "sst:sst:LinkRef", `${name}LinkRef`).inputs;
        expect(get(link("Sessions"), "properties", "name")).toBe(
          resource(run.resources, "aws:dynamodb/table:Table", "SessionsTable").inputs.name,
        );
        expect(get(link("UserPool"), "properties", "id")).toBe(
          resource(run.resources, "aws:cognito/userPool:UserPool", "UserPoolUserPool").id,
        );
        const hashKey = String(get(link("IdentifierHashKey"), "properties", "value"));
        expect(hashKey).toMatch(/^[A-Za-z0-9_-]+$/);
        // The link is the one way to the key (SST's VPC keeps its own parameters in SSM; none of them holds it).
        for (const parameter of ofType(run.resources, "aws:ssm/parameter:Parameter")) {
          expect(JSON.stringify(parameter.inputs), parameter.name).not.toContain(hashKey);
        }
        for (const statement of allRoleStatements(run)) {
          for (const action of asList(statement.Action)) expect(action, JSON.stringify(statement)).not.toMatch(/^(\*|ssm:.*)$/);
        }
      }
    },
  ),

  check(
    "iam.roles-as-declared",
    "every function's role holds exactly the declaration's grants (the ones the local platform enforces), in order, each on a named resource, with its condition; the federated files role likewise; no back-channel receiver (a public URL) beside Cognito",
    ["dev", "branded"],
    ({ dev, branded }) => {
      for (const run of [dev, branded]) {
        for (const [id, spec] of Object.entries(functions)) {
          const fn = declaredLambda(run, spec.name);
          // The back-channel receiver (a public function URL) is for an IdP that sends logout tokens; Cognito sends none.
          if ("onlyWithLogoutTokens" in spec) {
            expect(fn, `${run.stage} ${spec.name} is not deployed with Cognito`).toBeUndefined();
            continue;
          }
          // The pre-token trigger exists on branded stages only.
          if (!fn && id === "preTokenTrigger" && run === dev) continue;
          expect(fn, `${run.stage} ${spec.name}`).toBeDefined();
          const statements = statementsOf(run, roleOf(run, fn as MockResource));
          expect(statements.map(grantShape), `${run.stage} ${spec.name}`).toEqual(roleGrants[spec.role].map(declaredShape));
        }
        const federated = statementsOf(run, resource(run.resources, "aws:iam/role:Role", "FilesFederatedRole"));
        expect(federated.map(grantShape)).toEqual(federatedFilesGrants.map(declaredShape));
      }
    },
  ),
];
