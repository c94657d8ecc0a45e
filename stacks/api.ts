import { itemsTable, routeRules } from "@spa-bff/core/infra";
import { lambdaBundle } from "../scripts/lambda-bundle/options.ts";
import type { Auth } from "./auth.ts";
import type { Network } from "./network.ts";
import { isProduction } from "./stage.ts";

export interface Api {
  api: sst.aws.ApiGatewayV1;
  itemsTable: sst.aws.Dynamo;
  authorizer: sst.aws.Function;
  items: sst.aws.Function;
  /** Base URL including the stage path: what API_BASE_URL carries. */
  url: $util.Output<string>;
}

/**
 * The private REST API: reachable only through the VPC's execute-api
 * endpoint (endpoint type PRIVATE plus a resource policy denying any other
 * source), a REQUEST authorizer cached on the Authorization header, and the
 * items function behind every route.
 */
export function createApi(network: Network, auth: Auth): Api {
  const production = isProduction();
  const table = new sst.aws.Dynamo(itemsTable.name, {
    fields: itemsTable.fields,
    primaryIndex: itemsTable.primaryIndex,
    deletionProtection: production,
    transform: {
      table: (args) => {
        args.pointInTimeRecovery = { enabled: true };
        args.serverSideEncryption = { enabled: true };
      },
    },
  });

  const authorizerFunction = new sst.aws.Function("ApiAuthorizer", {
    handler: "packages/authorizer/src/lambda.handler",
    runtime: "nodejs22.x",
    nodejs: lambdaBundle,
    memory: "256 MB",
    timeout: "10 seconds",
    environment: {
      JWT_ISSUER: auth.issuer,
      JWT_CLIENT_IDS: $interpolate`${auth.webClient.id},${auth.m2mClient.id}`,
      COGNITO_USER_POOL_ID: auth.userPool.id,
      LOG_LEVEL: "INFO",
    },
  });

  // Not linked: `link` grants dynamodb:* on the table; these are the only calls the items handler makes.
  const items = new sst.aws.Function("ApiItems", {
    handler: "packages/api/src/lambda.handler",
    runtime: "nodejs22.x",
    nodejs: lambdaBundle,
    memory: "256 MB",
    timeout: "10 seconds",
    environment: { ITEMS_TABLE: table.name, LOG_LEVEL: "INFO" },
    permissions: [{ actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query"], resources: [table.arn] }],
  });

  const sourceVpce = network.executeApiEndpoint.id;
  const api = new sst.aws.ApiGatewayV1("Api", {
    endpoint: { type: "private", vpcEndpointIds: [sourceVpce] },
    // Same-origin only: the BFF calls the API server-side, so no CORS preflight routes (they would bypass the authorizer).
    cors: false,
    accessLog: { retention: production ? "1 year" : "1 month" },
    transform: {
      api: (args) => {
        // SST sets no policy on a private API; without one nothing can call it, and a loose one lets any VPC endpoint in.
        args.policy = $jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
            {
              Effect: "Deny",
              Principal: "*",
              Action: "execute-api:Invoke",
              Resource: "execute-api:/*",
              Condition: { StringNotEquals: { "aws:SourceVpce": sourceVpce } },
            },
          ],
        });
      },
    },
  });

  const authorizer = api.addAuthorizer({
    name: "Jwt",
    requestFunction: authorizerFunction.arn,
    identitySource: "method.request.header.Authorization",
    ttl: 300,
  });
  // Every route of the shared route table, each behind the CUSTOM authorizer.
  for (const route of routeRules) {
    api.route(`${route.method} ${route.resource}`, items.arn, { auth: { custom: authorizer.id } });
  }
  api.deploy();

  return { api, itemsTable: table, authorizer: authorizerFunction, items, url: api.url };
}
