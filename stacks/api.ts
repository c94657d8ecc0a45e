import { itemsTable, routeRules } from "@spa-bff/core/infra";
import type { Auth } from "./auth.ts";
import { lambdaArgs } from "./functions.ts";
import type { Grant } from "./iam.ts";
import type { Network } from "./network.ts";
import { isProduction, logRetention } from "./stage.ts";

export interface Api {
  api: sst.aws.ApiGatewayV1;
  itemsTable: sst.aws.Dynamo;
  authorizer: sst.aws.Function;
  items: sst.aws.Function;
  /** Base URL including the stage path, by the API's own name (resolves to the endpoint inside the VPC only). */
  url: $util.Output<string>;
  /**
   * The URL the stage's functions call (`API_BASE_URL`). Under `sst dev` the
   * functions run on a laptop, where the API's own name resolves to public
   * API Gateway, which refuses private APIs; there it is the endpoint's
   * public alias `{api-id}-{vpce-id}.execute-api.{region}.amazonaws.com`,
   * which resolves to the endpoint's private addresses that `sst tunnel` routes.
   */
  callerUrl: $util.Output<string>;
}

/** The only calls the items handler makes, on its table only (not `link`, which grants dynamodb:*). */
export function itemsGrants(table: sst.aws.Dynamo): Grant[] {
  return [{ actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query"], resources: [table.arn] }];
}

/** The endpoint-specific name of a private API: reachable wherever the endpoint's private addresses are (the VPC, or the tunnel). */
export function endpointAliasUrl(
  apiId: $util.Input<string>,
  endpointId: $util.Input<string>,
  stage: $util.Input<string>,
): $util.Output<string> {
  const region = aws.getRegionOutput().region;
  return $interpolate`https://${apiId}-${endpointId}.execute-api.${region}.amazonaws.com/${stage}/`;
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

  const authorizerFunction = new sst.aws.Function(
    "ApiAuthorizer",
    lambdaArgs({
      handler: "packages/authorizer/src/lambda.handler",
      memory: "256 MB",
      timeout: "10 seconds",
      environment: {
        JWT_ISSUER: auth.issuer,
        JWT_CLIENT_IDS: $interpolate`${auth.webClient.id},${auth.m2mClient.id}`,
        COGNITO_USER_POOL_ID: auth.userPool.id,
        LOG_LEVEL: "INFO",
      },
    }),
  );

  const items = new sst.aws.Function(
    "ApiItems",
    lambdaArgs({
      handler: "packages/api/src/lambda.handler",
      memory: "256 MB",
      timeout: "10 seconds",
      environment: { ITEMS_TABLE: table.name, LOG_LEVEL: "INFO" },
      grants: itemsGrants(table),
    }),
  );

  const sourceVpce = network.executeApiEndpointId;
  const api = new sst.aws.ApiGatewayV1("Api", {
    endpoint: { type: "private", vpcEndpointIds: [sourceVpce] },
    // Same-origin only: the BFF calls the API server-side, so no CORS preflight routes (they would bypass the authorizer).
    cors: false,
    accessLog: { retention: logRetention() },
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

  const callerUrl = $dev ? endpointAliasUrl(api.nodes.api.id, sourceVpce, $app.stage) : api.url;
  return { api, itemsTable: table, authorizer: authorizerFunction, items, url: api.url, callerUrl };
}
