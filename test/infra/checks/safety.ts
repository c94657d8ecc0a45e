/** Stage-wide safety: who may assume the roles, what production keeps, how long logs stay, what a stage outputs. */
import { expect } from "vitest";
import { asList, lambdas, ofType, parsePolicy, resource, roleOf } from "./helpers.ts";
import { type Check, check } from "./types.ts";

export const safetyChecks: Check[] = [
  check(
    "safety.no-account-trust",
    "no role of any stage trusts an AWS principal (the account root or anyone else): only AWS services and the user pool's web identities",
    ["dev", "production", "live", "branded"],
    (synths) => {
      for (const run of Object.values(synths)) {
        for (const role of ofType(run.resources, "aws:iam/role:Role")) {
          for (const statement of parsePolicy(role.inputs.assumeRolePolicy).Statement) {
            expect(statement.Principal, `${run.stage} ${role.name}`).not.toBe("*");
            const principals = Object.keys(statement.Principal ?? {});
            expect(
              principals.filter((kind) => kind !== "Service" && kind !== "Federated"),
              `${run.stage} ${role.name}`,
            ).toEqual([]);
          }
        }
      }
    },
  ),

  check("safety.function-trust", "every function's role is assumable by Lambda alone", ["dev", "production", "live"], (synths) => {
    for (const run of Object.values(synths)) {
      for (const fn of lambdas(run)) {
        const trust = parsePolicy(roleOf(run, fn).inputs.assumeRolePolicy).Statement;
        expect(trust, `${run.stage} ${fn.name}`).toEqual([
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]);
      }
    }
  }),

  check(
    "safety.log-retention",
    "every log group (functions and API access) keeps a year in production and two weeks in other stages",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const [run, days] of [
        [dev, 14],
        [production, 365],
      ] as const) {
        const groups = ofType(run.resources, "aws:cloudwatch/logGroup:LogGroup");
        expect(groups.length).toBe(lambdas(run).length + 1);
        for (const group of groups) expect(group.inputs.retentionInDays, `${run.stage} ${group.name}`).toBe(days);
      }
    },
  ),

  check(
    "safety.runtime",
    "every function runs on nodejs22.x, the runtime CI also tests under",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) for (const fn of lambdas(run)) expect(fn.inputs.runtime, fn.name).toBe("nodejs22.x");
    },
  ),

  check(
    "safety.production-retains-data",
    "production retains its tables, protects them and the stage from removal; other stages remove everything",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const name of ["SessionsTable", "ItemsTable"]) {
        expect(resource(production.resources, "aws:dynamodb/table:Table", name).options.retainOnDelete).toBe(true);
        expect(resource(production.resources, "aws:dynamodb/table:Table", name).inputs.deletionProtectionEnabled).toBe(true);
        expect(resource(dev.resources, "aws:dynamodb/table:Table", name).options.retainOnDelete).toBe(false);
      }
      expect(production.outputs._protect).toBe(true);
      expect(dev.outputs._protect).toBe(false);
      expect(production.app).toMatchObject({ name: "spa-bff", removal: "retain", protect: true });
      expect(dev.app).toMatchObject({ name: "spa-bff", removal: "remove", protect: false });
    },
  ),

  check("safety.outputs", "a stage outputs the site URL, the user pool id and the API URL", ["dev"], ({ dev }) => {
    expect(dev.outputs).toMatchObject({
      site: expect.stringMatching(/^https:\/\/.+\.cloudfront\.net$/),
      userPoolId: expect.stringMatching(/^eu-west-1_/),
      api: expect.stringMatching(/^https:\/\/.+\.execute-api\.eu-west-1\.amazonaws\.com\/dev\/$/),
    });
    expect(asList(Object.keys(dev.outputs))).not.toContain("devServer");
  }),
];
