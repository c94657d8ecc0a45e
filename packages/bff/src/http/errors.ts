import { AppError, ErrorCodes } from "@spa-bff/core";

/** A known route called with a method it does not serve (405 `method_not_allowed`). */
export class MethodNotAllowedError extends AppError {
  override readonly name = "MethodNotAllowedError";
  constructor(message = "Method not allowed") {
    super(ErrorCodes.methodNotAllowed, 405, message);
  }
}
