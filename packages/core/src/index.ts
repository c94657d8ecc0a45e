export type { RouteId, RouteRule } from "./api-routes.ts";
export { isRouteAllowed, routeRules } from "./api-routes.ts";
export { parseConfig } from "./config.ts";
export type { AppErrorOptions, ErrorBody, ErrorCode } from "./errors.ts";
export {
  AppError,
  BadRequestError,
  ConfigError,
  CsrfError,
  defaultMessages,
  ErrorCodes,
  ForbiddenError,
  FunctionTimeoutError,
  IdpError,
  InternalError,
  isAppError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  SessionStoreError,
  TooManyRequestsError,
  toErrorBody,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
  UpstreamError,
  UpstreamTimeoutError,
} from "./errors.ts";
export type { IdentifierHash } from "./identifier-hash.ts";
export { createIdentifierHash, decodeIdentifierHashKey } from "./identifier-hash.ts";
export type { AsyncService } from "./lazy.ts";
export { lazy, lazyService } from "./lazy.ts";
export type { LinkedEnvMap } from "./linked-env.ts";
export { linkedEnv } from "./linked-env.ts";
export type { Logger } from "./log.ts";
export { createLogger } from "./log.ts";
export type { TableDefinition } from "./tables.ts";
export { createTableInput, itemsTable, rateLimitTable, sessionsTable, tables } from "./tables.ts";
export { isAllowedServiceUrl, isLoopbackUrl } from "./url.ts";
