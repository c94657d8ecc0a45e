import { type AppErrorOptions, TooManyRequestsError, UnauthenticatedError } from "@spa-bff/core";

/**
 * The one answer for an unknown user, a wrong password and a wrong code, so
 * the sign-in is no oracle for which user names exist.
 */
export const INVALID_CREDENTIALS_MESSAGE = "Incorrect username, password or code.";

/** A refused sign-in: `login_failed`, 401. `details.restart` tells the SPA to go back to the password form. */
export class SignInFailedError extends UnauthenticatedError {
  override readonly name = "SignInFailedError";
  constructor(message = INVALID_CREDENTIALS_MESSAGE, options: AppErrorOptions = {}) {
    super(message, { ...options, code: "login_failed" });
  }
}

/**
 * Too many failures for this user name or IP: `too_many_attempts`, 429 with
 * `details.retryAfterSeconds` and the `Retry-After` header. It is the same
 * for existing and unknown user names, since counting is by the name typed.
 */
export class SignInLockedError extends TooManyRequestsError {
  override readonly name = "SignInLockedError";
  constructor(retryAfterSeconds: number, options: AppErrorOptions = {}) {
    super(retryAfterSeconds, "Too many failed sign-in attempts. Try again later.", {
      ...options,
      details: { retryAfterSeconds },
    });
  }
}
