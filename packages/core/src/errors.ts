/**
 * One error hierarchy for every part. Each error carries a stable snake_case
 * `code` (the wire value), an HTTP `status`, and whether its message may be
 * shown to a client (`expose`, true below 500). The original error goes in
 * `cause` and is logged, never sent.
 */
export const ErrorCodes = {
  badRequest: "bad_request",
  validationFailed: "validation_failed",
  payloadTooLarge: "payload_too_large",
  invalidPath: "invalid_path",
  invalidKey: "invalid_key",
  invalidFileName: "invalid_file_name",
  unsupportedContentType: "unsupported_content_type",
  fileTooLarge: "file_too_large",
  unauthenticated: "unauthenticated",
  sessionExpired: "session_expired",
  csrf: "csrf_required",
  crossSite: "cross_site_request",
  forbidden: "forbidden",
  notFound: "not_found",
  methodNotAllowed: "method_not_allowed",
  loginFailed: "login_failed",
  tooManyAttempts: "too_many_attempts",
  invalidLoginState: "invalid_login_state",
  upstream: "upstream_unavailable",
  upstreamTimeout: "upstream_timeout",
  idp: "idp_unavailable",
  sessionStore: "session_store_unavailable",
  config: "config_invalid",
  internal: "internal_error",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface AppErrorOptions {
  cause?: unknown;
  /** Machine-readable details that are safe to send (for example field errors). */
  details?: Record<string, unknown>;
}

export abstract class AppError extends Error {
  abstract override readonly name: string;
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, status: number, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = status;
    this.details = options.details;
  }

  /** Client errors are safe to show; server errors get a fixed message. */
  get expose(): boolean {
    return this.status < 500;
  }
}

export class BadRequestError extends AppError {
  override readonly name = "BadRequestError";
  constructor(message: string, options: AppErrorOptions & { code?: ErrorCode; status?: number } = {}) {
    super(options.code ?? ErrorCodes.badRequest, options.status ?? 400, message, options);
  }
}

export class UnauthenticatedError extends AppError {
  override readonly name = "UnauthenticatedError";
  constructor(message = "No valid session", options: AppErrorOptions & { code?: ErrorCode } = {}) {
    super(options.code ?? ErrorCodes.unauthenticated, 401, message, options);
  }
}

export class CsrfError extends AppError {
  override readonly name = "CsrfError";
  constructor(message = 'The "X-CSRF: 1" header is required', options: AppErrorOptions & { code?: ErrorCode } = {}) {
    super(options.code ?? ErrorCodes.csrf, 403, message, options);
  }
}

export class ForbiddenError extends AppError {
  override readonly name = "ForbiddenError";
  constructor(message = "Forbidden", options: AppErrorOptions = {}) {
    super(ErrorCodes.forbidden, 403, message, options);
  }
}

export class NotFoundError extends AppError {
  override readonly name = "NotFoundError";
  constructor(message = "Not found", options: AppErrorOptions & { code?: ErrorCode; status?: number } = {}) {
    super(options.code ?? ErrorCodes.notFound, options.status ?? 404, message, options);
  }
}

export class UpstreamError extends AppError {
  override readonly name = "UpstreamError";
  constructor(message = "The upstream service is unavailable", options: AppErrorOptions & { code?: ErrorCode; status?: number } = {}) {
    super(options.code ?? ErrorCodes.upstream, options.status ?? 502, message, options);
  }
}

export class UpstreamTimeoutError extends AppError {
  override readonly name = "UpstreamTimeoutError";
  constructor(message = "The upstream service did not answer in time", options: AppErrorOptions = {}) {
    super(ErrorCodes.upstreamTimeout, 504, message, options);
  }
}

export class IdpError extends AppError {
  override readonly name = "IdpError";
  constructor(message = "The identity provider is unavailable", options: AppErrorOptions = {}) {
    super(ErrorCodes.idp, 502, message, options);
  }
}

export class SessionStoreError extends AppError {
  override readonly name = "SessionStoreError";
  constructor(message = "The session store is unavailable, try again shortly", options: AppErrorOptions = {}) {
    super(ErrorCodes.sessionStore, 503, message, options);
  }
}

export class ConfigError extends AppError {
  override readonly name = "ConfigError";
  constructor(message: string, options: AppErrorOptions = {}) {
    super(ErrorCodes.config, 500, message, options);
  }
}

export class InternalError extends AppError {
  override readonly name = "InternalError";
  constructor(message = "Internal error", options: AppErrorOptions = {}) {
    super(ErrorCodes.internal, 500, message, options);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** The JSON body every part sends for an error. */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * Turns any thrown value into the body and status a client may see.
 * Non-exposed errors (5xx) keep their code but get a fixed message, and
 * anything that is not an AppError becomes `internal_error`.
 */
export function toErrorBody(error: unknown): { status: number; body: ErrorBody } {
  if (isAppError(error)) {
    const body: ErrorBody = { error: error.code, message: error.expose ? error.message : defaultMessage(error) };
    if (error.details && error.expose) body.details = error.details;
    return { status: error.status, body };
  }
  return { status: 500, body: { error: ErrorCodes.internal, message: "Internal error" } };
}

function defaultMessage(error: AppError): string {
  switch (error.code) {
    case ErrorCodes.upstream:
      return "The upstream service is unavailable";
    case ErrorCodes.upstreamTimeout:
      return "The upstream service did not answer in time";
    case ErrorCodes.idp:
      return "The identity provider is unavailable";
    case ErrorCodes.sessionStore:
      return "The session store is unavailable, try again shortly";
    default:
      return "Internal error";
  }
}
