import { functions, itemsTable, routeRules, tokenTiming } from "@spa-bff/core/infra";
import type { Auth } from "./auth.ts";
import { functionArgs } from "./functions.ts";
import type { GrantTargets } from "./grants.ts";
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
 * items function behind every route. The functions' entries, limits and
 * grants are the declaration's (not `link`, which would grant dynamodb:*).
 *
 * The authorizer's answer is cached per Authorization header for
 * `tokenTiming.authorizerCacheSeconds`, less than the BFF's refresh skew: the
 * BFF never sends a token with less than the skew left, so no answer it
 * causes to be cached outlives its token.
 */
export function createApi(network: Network, auth: Auth, targets: GrantTargets): Api {
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
  targets.register({ table: "Items" }, table.arn);

  const authorizerFunction = new sst.aws.Function(
    functions.authorizer.name,
    functionArgs(
      "authorizer",
      { targets },
      {
        environment: {
          JWT_ISSUER: auth.issuer,
          JWT_CLIENT_IDS: $interpolate`${auth.webClient.id},${auth.m2mClient.id}`,
          COGNITO_USER_POOL_ID: auth.userPool.id,
          LOG_LEVEL: "INFO",
        },
      },
    ),
  );

  const items = new sst.aws.Function(
    functions.items.name,
    functionArgs("items", { targets }, { environment: { ITEMS_TABLE: table.name, LOG_LEVEL: "INFO" } }),
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
    ttl: tokenTiming.authorizerCacheSeconds,
  });
  // Every route of the shared route table, each behind the CUSTOM authorizer.
  for (const route of routeRules) {
    api.route(`${route.method} ${route.resource}`, items.arn, { auth: { custom: authorizer.id } });
  }
  api.deploy();

  const callerUrl = $dev ? endpointAliasUrl(api.nodes.api.id, sourceVpce, $app.stage) : api.url;
  return { api, itemsTable: table, authorizer: authorizerFunction, items, url: api.url, callerUrl };
}
