import { functions, handlerOf, roleGrants, tokenTiming } from "@spa-bff/core/infra";
import { expect } from "vitest";
import { asList, envOf, get, lambda, ofType, parsePolicy, resource, roleOf, statementsOf } from "./helpers.ts";
import { type Check, check } from "./types.ts";

export const apiChecks: Check[] = [
  check(
    "api.private",
    "the REST API is PRIVATE on the execute-api endpoint, with a resource policy denying any other source",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const run of [dev, production]) {
        const api = resource(run.resources, "aws:apigateway/restApi:RestApi", "ApiApi");
        const endpointId = resource(run.resources, "aws:ec2/vpcEndpoint:VpcEndpoint", "ExecuteApiEndpoint").id;
        expect(api.inputs.endpointConfiguration).toEqual({ types: "PRIVATE", vpcEndpointIds: [endpointId] });
        const statements = parsePolicy(api.inputs.policy).Statement;
        const deny = statements.find((s) => s.Effect === "Deny");
        expect(deny).toMatchObject({ Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" });
        expect(deny?.Condition).toEqual({ StringNotEquals: { "aws:SourceVpce": endpointId } });
        // The only allow is the one the deny narrows.
        expect(statements.filter((s) => s.Effect === "Allow")).toEqual([
          { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
        ]);
      }
    },
  ),

  check("api.authorizer", "the REQUEST authorizer, cached on the Authorization header, guards every route", ["dev"], ({ dev }) => {
    const authorizer = resource(dev.resources, "aws:apigateway/authorizer:Authorizer", "ApiAuthorizerJwtAuthorizer");
    expect(authorizer.inputs).toMatchObject({
      type: "REQUEST",
      identitySource: "method.request.header.Authorization",
      authorizerResultTtlInSeconds: tokenTiming.authorizerCacheSeconds,
    });
    const methods = ofType(dev.resources, "aws:apigateway/method:Method");
    expect(methods.map((m) => m.inputs.httpMethod).sort()).toEqual(["DELETE", "GET", "GET", "POST"]);
    for (const method of methods) expect(method.inputs).toMatchObject({ authorization: "CUSTOM", authorizerId: authorizer.id });
  }),

  check(
    "api.access-logs",
    "the API writes access logs, kept a year in production and two weeks elsewhere",
    ["dev", "production"],
    ({ dev, production }) => {
      for (const [run, days] of [
        [dev, 14],
        [production, 365],
      ] as const) {
        const stage = ofType(run.resources, "aws:apigateway/stage:Stage")[0];
        const destination = String(get(stage?.inputs, "accessLogSettings", "destinationArn"));
        const log = resource(run.resources, "aws:cloudwatch/logGroup:LogGroup", "ApiAccessLog");
        expect(destination).toContain(String(log.inputs.name ?? "ApiAccessLog"));
        expect(log.inputs.retentionInDays).toBe(days);
      }
    },
  ),

  check("api.items-table", "items live in a table with point-in-time recovery and encryption", ["dev"], ({ dev }) => {
    const items = resource(dev.resources, "aws:dynamodb/table:Table", "ItemsTable");
    expect(items.inputs).toMatchObject({
      hashKey: "owner",
      rangeKey: "id",
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
    });
  }),

  check(
    "api.authorizer-cache-below-skew",
    "an authorizer answer is cached for less time than the BFF's refresh skew, so no answer the BFF's calls cache outlives their token",
    ["dev", "production", "branded"],
    (synths) => {
      expect(tokenTiming.authorizerCacheSeconds).toBeLessThan(tokenTiming.refreshSkewSeconds);
      for (const run of Object.values(synths)) {
        const ttl = Number(
          resource(run.resources, "aws:apigateway/authorizer:Authorizer", "ApiAuthorizerJwtAuthorizer").inputs.authorizerResultTtlInSeconds,
        );
        expect(ttl, run.stage).toBeGreaterThan(0);
        for (const name of ["BffAuth", "BffApi", "BffFiles"]) {
          const skew = Number(envOf(lambda(run, name)).REFRESH_SKEW_SECONDS);
          expect(skew, `${run.stage} ${name}`).toBe(tokenTiming.refreshSkewSeconds);
          expect(ttl, `${run.stage}: the authorizer's cache TTL against ${name}'s refresh skew`).toBeLessThan(skew);
        }
      }
    },
  ),

  check(
    "api.entries",
    "the authorizer and the items function deploy from the declaration's entries, limits and placement",
    ["dev"],
    ({ dev }) => {
      for (const id of ["authorizer", "items"] as const) {
        const fn = lambda(dev, functions[id].name);
        expect(fn.inputs).toMatchObject({
          handler: handlerOf(functions[id]),
          memorySize: functions[id].memoryMb,
          timeout: functions[id].timeoutSeconds,
        });
        expect(fn.inputs.vpcConfig, id).toBeUndefined();
      }
      expect(lambda(dev, "ApiAuthorizer").inputs.handler).toBe("packages/authorizer/src/lambda/authorizer.handler");
      expect(lambda(dev, "ApiItems").inputs.handler).toBe("packages/api/src/lambda/items.handler");
    },
  ),

  check(
    "api.items-grants",
    "the items function may only GetItem, PutItem, DeleteItem, Query and Scan (a machine's list), on its own table only, as declared",
    ["dev"],
    ({ dev }) => {
      const fn = lambda(dev, "ApiItems");
      const table = resource(dev.resources, "aws:dynamodb/table:Table", "ItemsTable");
      expect(envOf(fn).ITEMS_TABLE).toBe(table.inputs.name);
      const statements = statementsOf(dev, roleOf(dev, fn));
      expect(statements).toHaveLength(1);
      expect(asList(statements[0]?.Action).sort()).toEqual([
        "dynamodb:DeleteItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "dynamodb:Scan",
      ]);
      expect(asList(statements[0]?.Action).sort()).toEqual(roleGrants.items.flatMap((grant) => grant.actions).sort());
      expect(asList(statements[0]?.Resource)).toEqual([`arn:aws:dynamodb:eu-west-1:123456789012:table/${String(table.inputs.name)}`]);
    },
  ),

  check("api.authorizer-grants", "the authorizer's role allows nothing (it verifies tokens with public keys)", ["dev"], ({ dev }) => {
    expect(statementsOf(dev, roleOf(dev, lambda(dev, "ApiAuthorizer")))).toEqual([]);
  }),
];
