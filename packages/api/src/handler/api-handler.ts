import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BadRequestError, createLogger, ErrorCodes, isAppError, type Logger, NotFoundError } from "@spa-bff/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { ApiConfig } from "../config/load-config.ts";
import { parseJsonBody } from "../http/json-body.ts";
import { errorResponse, json, noContent } from "../http/responses.ts";
import { createItem, deleteItem, listItems, whoami } from "../items/item-routes.ts";
import { createItemsStore, type ItemsStore } from "../items/items-store.ts";
import { type Principal, principalFromEvent } from "../principal/principal.ts";

/** What the API handler runs on; tests and the local platform inject these. */
export interface ApiDeps {
  store: ItemsStore;
  logger: Logger;
  clock: () => Date;
  newId: () => string;
}

/** The API function, as API Gateway (REST, payload v1) calls it. */
export type ApiHandler = (event: APIGatewayProxyEvent, context?: Context) => Promise<APIGatewayProxyResult>;

type Route = (event: APIGatewayProxyEvent, principal: Principal, deps: ApiDeps) => Promise<APIGatewayProxyResult>;

// Keyed by API Gateway's resource template, which REST v1 events carry as `resource`.
const routes: Record<string, Partial<Record<string, Route>>> = {
  "/items": {
    GET: async (event, principal, deps) => json(200, await listItems(principal, event.queryStringParameters ?? {}, deps.store)),
    POST: async (event, principal, deps) =>
      json(201, await createItem(principal, parseJsonBody(event), deps.store, deps.clock(), deps.newId)),
  },
  "/items/{id}": {
    DELETE: async (event, principal, deps) => {
      await deleteItem(principal, event.pathParameters?.id, deps.store);
      return noContent();
    },
  },
  "/whoami": {
    GET: async (_event, principal) => json(200, whoami(principal)),
  },
};

/**
 * Creates the items API handler. Errors become the design's JSON body; a
 * server-side failure is logged with its cause and answered with a fixed message.
 *
 * @example
 * const handle = createApiHandler(loadApiConfig(process.env));
 * const result = await handle(event);
 */
export function createApiHandler(config: ApiConfig, deps: Partial<ApiDeps> = {}): ApiHandler {
  const resolved: ApiDeps = {
    store:
      deps.store ??
      createItemsStore(
        new DynamoDBClient({
          region: config.region,
          ...(config.dynamoEndpoint
            ? { endpoint: config.dynamoEndpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } }
            : {}),
        }),
        config.itemsTable,
      ),
    logger: deps.logger ?? createLogger("api"),
    clock: deps.clock ?? (() => new Date()),
    newId: deps.newId ?? randomUUID,
  };

  return async (event) => {
    try {
      const byMethod = routes[event.resource];
      if (byMethod === undefined) throw new NotFoundError("No such route");
      const route = byMethod[event.httpMethod];
      if (route === undefined) {
        throw new BadRequestError(`Method ${event.httpMethod} is not allowed on ${event.resource}`, {
          code: ErrorCodes.methodNotAllowed,
          status: 405,
        });
      }
      return await route(event, principalFromEvent(event), resolved);
    } catch (error) {
      const response = errorResponse(error);
      if (response.statusCode >= 500) {
        resolved.logger.error("Request failed", { code: isAppError(error) ? error.code : ErrorCodes.internal, error: error as Error });
      } else {
        resolved.logger.info("Request refused", {
          code: isAppError(error) ? error.code : ErrorCodes.internal,
          status: response.statusCode,
        });
      }
      return response;
    }
  };
}
