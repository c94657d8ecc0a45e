import { AppError, type AppErrorOptions, ErrorCodes, IdpError } from "@spa-bff/core";

/**
 * The IdP answered and said no (`invalid_grant` for a replayed code or a
 * revoked refresh token, or a check of its answer failed). Distinct from
 * {@link IdpError}, where the IdP could not be reached.
 */
export class OidcRejectedError extends AppError {
  override readonly name = "OidcRejectedError";
  /** The OAuth error code (`invalid_grant`…) or the client check that failed; safe to log, never a token. */
  readonly reason: string;
  constructor(reason: string, options: AppErrorOptions = {}) {
    super(ErrorCodes.loginFailed, 400, "The identity provider refused the request", options);
    this.reason = /^[A-Za-z0-9_.-]{1,64}$/.test(reason) ? reason : "rejected";
  }
}

/**
 * Maps openid-client's failures to ours. `ResponseBodyError` is an OAuth
 * error answer (the IdP is up and refused); `ClientError` a failed check of an
 * answer (state, nonce, ID token); anything else (`TypeError: fetch failed`,
 * a timeout, a 5xx) means the IdP is unavailable. The cause is kept for the
 * class name only: the messages may quote a response.
 */
export function toOidcError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof Error) {
    const oauthError = (error as { error?: unknown }).error;
    const status = (error as { status?: unknown }).status;
    if (error.name === "ResponseBodyError" && typeof oauthError === "string" && (typeof status !== "number" || status < 500)) {
      return new OidcRejectedError(oauthError, { cause: error });
    }
    if (error.name === "AuthorizationResponseError" && typeof oauthError === "string") {
      return new OidcRejectedError(oauthError, { cause: error });
    }
    const code = (error as { code?: unknown }).code;
    if (
      error.name === "ClientError" &&
      typeof code === "string" &&
      code !== "OAUTH_RESPONSE_IS_NOT_CONFORM" &&
      code !== "OAUTH_RESPONSE_IS_NOT_JSON"
    ) {
      return new OidcRejectedError(code, { cause: error });
    }
  }
  return new IdpError(undefined, { cause: error });
}
