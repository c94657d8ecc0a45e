/**
 * The data the infrastructure shares with the runtime: table definitions and
 * the API's route table. Pure data with no Node or AWS imports, so stacks/
 * can import it under SST's platform types (subpath `@spa-bff/core/infra`).
 */

export type { RouteId, RouteRule } from "./api-routes.ts";
export { isRouteAllowed, routeRules } from "./api-routes.ts";
export type { TableDefinition } from "./tables.ts";
export { createTableInput, itemsTable, rateLimitTable, sessionsTable, tables } from "./tables.ts";
