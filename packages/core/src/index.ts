export type { RouteRule } from "./api-routes.ts";
export { isRouteAllowed, routeRules } from "./api-routes.ts";
export { parseConfig } from "./config.ts";
export type { AppErrorOptions, ErrorBody, ErrorCode } from "./errors.ts";
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
export type { LinkedEnvMap } from "./linked-env.ts";
export { linkedEnv } from "./linked-env.ts";
export type { Logger } from "./log.ts";
export { createLogger, hashId } from "./log.ts";
export type { TableDefinition } from "./tables.ts";
export { createTableInput, itemsTable, rateLimitTable, sessionsTable, tables } from "./tables.ts";
export { isAllowedServiceUrl, isLoopbackUrl } from "./url.ts";
