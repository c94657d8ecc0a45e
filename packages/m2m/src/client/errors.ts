import { type AppErrorOptions, IdpError, UpstreamError, UpstreamTimeoutError } from "@spa-bff/core";

/**
 * The token endpoint (or the issuer's discovery) failed: the M2M client got
 * no access token (502 `idp_unavailable`). The message names the step and
 * the OAuth error code, never the client secret or a token.
 */
export class M2mTokenError extends IdpError {
  override readonly name = "M2mTokenError";
  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, options);
  }
}

/** The API call failed before an HTTP answer arrived, or the API refused it (502 `upstream_unavailable`). */
export class M2mApiError extends UpstreamError {
  override readonly name = "M2mApiError";
  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, options);
  }
}

/** The API did not answer in time (504 `upstream_timeout`). */
export class M2mApiTimeoutError extends UpstreamTimeoutError {
  override readonly name = "M2mApiTimeoutError";
  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, options);
  }
}
