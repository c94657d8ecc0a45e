export {
  AppError,
  BadRequestError,
  ConfigError,
  CsrfError,
  ErrorCodes,
  ForbiddenError,
  IdpError,
  InternalError,
  isAppError,
  NotFoundError,
  SessionStoreError,
  toErrorBody,
  UnauthenticatedError,
  UpstreamError,
  UpstreamTimeoutError,
} from "./errors.ts";
export type { AppErrorOptions, ErrorBody, ErrorCode } from "./errors.ts";
export { parseConfig } from "./config.ts";
export { isAllowedServiceUrl, isLoopbackUrl } from "./url.ts";
export { createLogger, hashId } from "./log.ts";
export type { Logger } from "./log.ts";
export { createTableInput, itemsTable, rateLimitTable, sessionsTable, tables } from "./tables.ts";
export type { TableDefinition } from "./tables.ts";
export { isRouteAllowed, routeRules } from "./api-routes.ts";
export type { RouteRule } from "./api-routes.ts";
