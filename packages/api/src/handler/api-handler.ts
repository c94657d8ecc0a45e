import { randomUUID } from "node:crypto";
import { createLogger, type Logger, type RouteId, routeRules } from "@spa-bff/core";
import { createDynamoClient } from "@spa-bff/core/dynamo";
import { createHttpFunction, type HttpResponse, type HttpScope, json, noContent } from "@spa-bff/core/http";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { ApiConfig } from "../config.ts";
import { parseJsonBody } from "../http/json-body.ts";
import { createItem, deleteItem, listItems, whoami } from "../items/item-routes.ts";
import { createItemsStore, type ItemsStore } from "../items/items-store.ts";
import { principalFromEvent } from "../principal/principal.ts";

/** What the API handler runs on; tests and the local platform inject these. */
export interface ApiDeps {
  store: ItemsStore;
  logger: Logger;
  clock: () => Date;
  newId: () => string;
}

/** The API function, as API Gateway (REST, payload v1) calls it. */
export type ApiHandler = (event: APIGatewayProxyEvent, context?: Context) => Promise<APIGatewayProxyResult>;

/** One request to the items API: the event and the log fields. */
interface ApiRequest extends HttpScope {
  readonly event: APIGatewayProxyEvent;
}

/**
 * Creates the items API handler on the shared HTTP shell: routes by
 * API Gateway's path, the caller from the authorizer's context, errors as the
 * design's JSON body (a server-side failure with a fixed message), and
 * `Cache-Control: no-store` on every answer.
 *
 * @example
 * const handle = createApiHandler(loadApiConfig(process.env));
 * const result = await handle(event);
 */
export function createApiHandler(config: ApiConfig, deps: Partial<ApiDeps> = {}): ApiHandler {
  const store =
    deps.store ?? createItemsStore(createDynamoClient({ region: config.region, endpoint: config.dynamoEndpoint }), config.itemsTable);
  const clock = deps.clock ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  // One answer per rule of the shared route table (core's `routeRules`): the compiler refuses a missing or an extra one.
  const answers: Record<RouteId, (event: APIGatewayProxyEvent) => Promise<HttpResponse>> = {
    "GET /items": async (event) => json(200, await listItems(principalFromEvent(event), event.queryStringParameters ?? {}, store)),
    "POST /items": async (event) => json(201, await createItem(principalFromEvent(event), parseJsonBody(event), store, clock(), newId)),
    "DELETE /items/{id}": async (event) => {
      await deleteItem(principalFromEvent(event), event.pathParameters?.id, store);
      return noContent();
    },
    "GET /whoami": async (event) => json(200, whoami(principalFromEvent(event))),
  };

  const handler = createHttpFunction<APIGatewayProxyEvent, ApiRequest, HttpResponse & { body: string }>({
    logger: deps.logger ?? createLogger("api"),
    routes: routeRules.map((rule) => ({
      method: rule.method,
      path: rule.resource,
      handler: (request: ApiRequest) => answers[`${rule.method} ${rule.resource}` as RouteId](request.event),
    })),
    scope: (event, context) => {
      const requestId = event.requestContext?.requestId ?? context.awsRequestId ?? "";
      return { event, path: event.path ?? "", requestId, logFields: { requestId } };
    },
    finish: (_request, response) => ({
      ...response,
      body: response.body ?? "",
      headers: { ...response.headers, "cache-control": "no-store" },
    }),
  });
  return async (event, context) => (await handler(event, context)) as APIGatewayProxyResult;
}
