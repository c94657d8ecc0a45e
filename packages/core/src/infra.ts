/**
 * The one declaration the infrastructure and the local platform both read:
 * tables, the API's route table, every function's entry and limits, every
 * role's grants, the identity provider's clients and token lifetimes, and
 * the edge's response headers. Pure data with no Node or AWS imports, so
 * stacks/ can import it under SST's platform types (subpath `@spa-bff/core/infra`).
 */

export type { RouteId, RouteRule } from "./api-routes.ts";
export { isRouteAllowed, routeRules } from "./api-routes.ts";
export type { BffOrigin } from "./deployment/edge.ts";
export { bffOrigins, functionUrlCors, pathPatternsOf, responseHeadersPolicy, viewerAddressHeader } from "./deployment/edge.ts";
export type { FunctionId, FunctionSpec, RoleName } from "./deployment/functions.ts";
export { functions, handlerOf } from "./deployment/functions.ts";
export type { Grant, GrantResource } from "./deployment/grants.ts";
export { federatedFilesGrants, roleGrants, sessionEncryptionContext, uploadsPrefix } from "./deployment/grants.ts";
export type { LoginMode, RotationSettings } from "./deployment/identity.ts";
export { brandedTokenScopes, itemsScopes, m2mClient, resourceServer, tokenTiming, webClient } from "./deployment/identity.ts";
export type { TableDefinition } from "./tables.ts";
export { createTableInput, itemsTable, rateLimitTable, sessionsTable, tables } from "./tables.ts";
