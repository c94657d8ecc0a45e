import { AppError, type AppErrorOptions, ErrorCodes } from "@spa-bff/core";

/**
 * The token endpoint (or the issuer's discovery) failed: the M2M client got
 * no access token. The message names the step and the OAuth error code, never
 * the client secret or a token.
 */
export class M2mTokenError extends AppError {
  override readonly name = "M2mTokenError";
  constructor(message: string, options: AppErrorOptions = {}) {
    super(ErrorCodes.idp, 502, message, options);
  }
}

/** The API call failed before an HTTP answer arrived (network error or timeout). */
export class M2mApiError extends AppError {
  override readonly name = "M2mApiError";
  constructor(message: string, options: AppErrorOptions & { timeout?: boolean } = {}) {
    super(options.timeout ? ErrorCodes.upstreamTimeout : ErrorCodes.upstream, options.timeout ? 504 : 502, message, options);
  }
}
