import { AppError, type AppErrorOptions, ErrorCodes } from "@spa-bff/core";

/**
 * The one answer for an unknown user, a wrong password and a wrong code, so
 * the sign-in is no oracle for which user names exist.
 */
export const INVALID_CREDENTIALS_MESSAGE = "Incorrect username, password or code.";

/** A refused sign-in: `login_failed`, 401. `details.restart` tells the SPA to go back to the password form. */
export class SignInFailedError extends AppError {
  override readonly name = "SignInFailedError";
  constructor(message = INVALID_CREDENTIALS_MESSAGE, options: AppErrorOptions = {}) {
    super(ErrorCodes.loginFailed, 401, message, options);
  }
}

/**
 * Too many failures for this user name or IP: `too_many_attempts`, 429 with
 * `details.retryAfterSeconds` (also the `Retry-After` header). It is the same
 * for existing and unknown user names, since counting is by the name typed.
 */
export class SignInLockedError extends AppError {
  override readonly name = "SignInLockedError";
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, options: AppErrorOptions = {}) {
    super(ErrorCodes.tooManyAttempts, 429, "Too many failed sign-in attempts. Try again later.", {
      ...options,
      details: { retryAfterSeconds },
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
