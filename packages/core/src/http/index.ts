export { errorResponse } from "./error-response.ts";
export type { HttpFunctionOptions, HttpRoute, HttpScope } from "./http-function.ts";
export { createHttpFunction } from "./http-function.ts";
export type { HttpResponse } from "./response.ts";
export { json, noContent, redirect } from "./response.ts";
export type { HttpMethod, RouteKey } from "./route-table.ts";
export { allowedMethods } from "./route-table.ts";
