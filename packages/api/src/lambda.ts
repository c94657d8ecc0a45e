import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { loadApiConfig } from "./config/load-config.ts";
import { createApiHandler } from "./handler/api-handler.ts";

const handleRequest = createApiHandler(loadApiConfig(process.env));

/** The items API behind the private REST API (payload v1), called after the authorizer. */
export const handler = (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => handleRequest(event, context);
