import { loadApiConfig } from "../config.ts";
import { createApiHandler } from "../handler/api-handler.ts";

/** The items API behind the private REST API (payload v1), called after the authorizer; config validated once, at cold start. */
export const handler = createApiHandler(loadApiConfig(process.env));
