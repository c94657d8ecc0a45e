/**
 * One error hierarchy for every part. Each class fixes its HTTP `status`;
 * each error carries a stable snake_case `code` (the wire value) and may
 * carry the response headers it needs (`Retry-After`, `Allow`). Messages of
 * client errors (below 500) are shown; server errors show the code's
 * default message. The original error goes in `cause` and is never sent.
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
  sessionRevoked: "session_revoked",
  csrf: "csrf_required",
  crossSite: "cross_site_request",
  forbidden: "forbidden",
  notFound: "not_found",
  methodNotAllowed: "method_not_allowed",
  loginFailed: "login_failed",
  tooManyAttempts: "too_many_attempts",
  invalidLoginState: "invalid_login_state",
  invalidLogoutToken: "invalid_logout_token",
  upstream: "upstream_unavailable",
  upstreamTimeout: "upstream_timeout",
  functionTimeout: "function_timeout",
  idp: "idp_unavailable",
  sessionStore: "session_store_unavailable",
  config: "config_invalid",
  internal: "internal_error",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** The message of each code when none is given, and the only message a server error (5xx) ever shows. */
export const defaultMessages: Readonly<Record<ErrorCode, string>> = {
  bad_request: "The request is invalid",
  validation_failed: "The request is invalid",
  payload_too_large: "The request body is too large",
  invalid_path: "The path is not allowed",
  invalid_key: "The key is not valid",
  invalid_file_name: "The file name is not valid",
  unsupported_content_type: "The content type is not supported",
  file_too_large: "The file is too large",
  unauthenticated: "No valid session",
  session_expired: "The session has expired, log in again",
  session_revoked: "The session was ended from another browser or device, log in again",
  csrf_required: 'The "X-CSRF: 1" header is required',
  cross_site_request: "Cross-site requests are not allowed",
  forbidden: "Forbidden",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  login_failed: "The login failed",
  too_many_attempts: "Too many attempts, try again later",
  invalid_login_state: "No login is in progress",
  invalid_logout_token: "The logout token is not valid",
  upstream_unavailable: "The upstream service is unavailable",
  upstream_timeout: "The upstream service did not answer in time",
  function_timeout: "The request did not finish in time, try again",
  idp_unavailable: "The identity provider is unavailable",
  session_store_unavailable: "The session store is unavailable, try again shortly",
  config_invalid: "Internal error",
  internal_error: "Internal error",
};

export interface AppErrorOptions {
  cause?: unknown;
  /** Machine-readable details that are safe to send (for example field errors). */
  details?: Record<string, unknown>;
  /** Response headers this error needs (`Retry-After`, `Allow`), lower-case names. */
  headers?: Readonly<Record<string, string>>;
}

/** Options of a class that serves several codes of one status. */
type WithCode<C extends ErrorCode> = AppErrorOptions & { code?: C };

export abstract class AppError extends Error {
  abstract override readonly name: string;
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, status: number, message: string | undefined, options: AppErrorOptions = {}) {
    super(message ?? defaultMessages[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = status;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  /** Client errors are safe to show; server errors get their code's default message. */
  get expose(): boolean {
    return this.status < 500;
  }
}

/** 400: the request is malformed or fails validation. */
export class BadRequestError extends AppError {
  override readonly name: string = "BadRequestError";
  constructor(
    message?: string,
    options: WithCode<
      | "bad_request"
      | "validation_failed"
      | "invalid_path"
      | "invalid_key"
      | "invalid_file_name"
      | "unsupported_content_type"
      | "file_too_large"
      | "invalid_login_state"
      | "invalid_logout_token"
    > = {},
  ) {
    super(options.code ?? ErrorCodes.badRequest, 400, message, options);
  }
}

/** 413: the body is larger than the route accepts. */
export class PayloadTooLargeError extends AppError {
  override readonly name: string = "PayloadTooLargeError";
  constructor(maxBytes: number, options: AppErrorOptions = {}) {
    super(ErrorCodes.payloadTooLarge, 413, `The request body exceeds ${maxBytes} bytes`, options);
  }
}

/** 415: a body of a type the route does not read. */
export class UnsupportedMediaTypeError extends AppError {
  override readonly name: string = "UnsupportedMediaTypeError";
  constructor(message?: string, options: AppErrorOptions = {}) {
    super(ErrorCodes.unsupportedContentType, 415, message, options);
  }
}

/** 401: no valid session or credentials. */
export class UnauthenticatedError extends AppError {
  override readonly name: string = "UnauthenticatedError";
  constructor(message?: string, options: WithCode<"unauthenticated" | "session_expired" | "session_revoked" | "login_failed"> = {}) {
    super(options.code ?? ErrorCodes.unauthenticated, 401, message, options);
  }
}

/** 403: the CSRF header is missing or the request is cross-site. */
export class CsrfError extends AppError {
  override readonly name: string = "CsrfError";
  constructor(message?: string, options: WithCode<"csrf_required" | "cross_site_request"> = {}) {
    super(options.code ?? ErrorCodes.csrf, 403, message ?? defaultMessages[options.code ?? ErrorCodes.csrf], options);
  }
}

/** 403: authenticated, but not allowed. */
export class ForbiddenError extends AppError {
  override readonly name: string = "ForbiddenError";
  constructor(message?: string, options: AppErrorOptions = {}) {
    super(ErrorCodes.forbidden, 403, message, options);
  }
}

/** 404: no such route or resource. */
export class NotFoundError extends AppError {
  override readonly name: string = "NotFoundError";
  constructor(message?: string, options: AppErrorOptions = {}) {
    super(ErrorCodes.notFound, 404, message, options);
  }
}

/** 405: a known path called with a method it does not serve; `Allow` lists the ones it does. */
export class MethodNotAllowedError extends AppError {
  override readonly name: string = "MethodNotAllowedError";
  constructor(allowed: readonly string[], options: AppErrorOptions = {}) {
    super(ErrorCodes.methodNotAllowed, 405, `Use ${allowed.join(", ")}`, {
      ...options,
      headers: { ...options.headers, allow: allowed.join(", ") },
    });
  }
}

/** 429: too many attempts; `Retry-After` says when to come back. */
export class TooManyRequestsError extends AppError {
  override readonly name: string = "TooManyRequestsError";
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, message?: string, options: AppErrorOptions = {}) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(ErrorCodes.tooManyAttempts, 429, message, { ...options, headers: { ...options.headers, "retry-after": String(seconds) } });
    this.retryAfterSeconds = seconds;
  }
}

/** 502: a service behind us answered badly or not at all. */
export class UpstreamError extends AppError {
  override readonly name: string = "UpstreamError";
  constructor(message?: string, options: AppErrorOptions = {}) {
    super(ErrorCodes.upstream, 502, message, options);
  }
}

/** 504: a service behind us did not answer in time. */
export class UpstreamTimeoutError extends AppError {
  override readonly name: string = "UpstreamTimeoutError";
  constructor(message?: string, options: AppErrorOptions = {}) {
    super(ErrorCodes.upstreamTimeout, 504, message, options);
  }
}

/**
 * 504: the function's own deadline came before its work was done (a slow
 * IdP or store on a cold start). Raised just before Lambda would end the
 * invocation, so the caller gets this clear answer instead of the function
 * URL's bare 502. Nothing was written that a retry cannot redo.
 */
export class FunctionTimeoutError extends AppError {
  override readonly name: string = "FunctionTimeoutError";
  constructor(message?: string, options: AppErrorOptions = {}) {
    super(ErrorCodes.functionTimeout, 504, message, options);
  }
}

/** 502: the identity provider could not be reached. */
export class IdpError extends AppError {
  override readonly name: string = "IdpError";
  constructor(message?: string, options: AppErrorOptions = {}) {
    super(ErrorCodes.idp, 502, message, options);
  }
}

/** 503: a service this part depends on (a store, its key service) is down; try again shortly. */
export class ServiceUnavailableError extends AppError {
  override readonly name: string = "ServiceUnavailableError";
  constructor(message?: string, options: WithCode<"upstream_unavailable" | "session_store_unavailable"> = {}) {
    super(options.code ?? ErrorCodes.upstream, 503, message, options);
  }
}

/** 503: the session store, the sign-in counters or the session key service is down; never looks like a logout. */
export class SessionStoreError extends ServiceUnavailableError {
  override readonly name: string = "SessionStoreError";
  constructor(message?: string, options: AppErrorOptions = {}) {
    super(message, { ...options, code: ErrorCodes.sessionStore });
  }
}

/** 500: a configuration that cannot work, found at cold start or first use. */
export class ConfigError extends AppError {
  override readonly name: string = "ConfigError";
  constructor(message: string, options: AppErrorOptions = {}) {
    super(ErrorCodes.config, 500, message, options);
  }
}

export class InternalError extends AppError {
  override readonly name: string = "InternalError";
  constructor(message?: string, options: AppErrorOptions = {}) {
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
 * Non-exposed errors (5xx) keep their code but get its default message, and
 * anything that is not an AppError becomes `internal_error`.
 */
export function toErrorBody(error: unknown): { status: number; body: ErrorBody } {
  if (isAppError(error)) {
    const body: ErrorBody = { error: error.code, message: error.expose ? error.message : defaultMessages[error.code] };
    if (error.details && error.expose) body.details = error.details;
    return { status: error.status, body };
  }
  return { status: 500, body: { error: ErrorCodes.internal, message: defaultMessages.internal_error } };
}
