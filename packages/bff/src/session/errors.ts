import { AppError, ErrorCodes, SessionStoreError } from "@spa-bff/core";

/**
 * A sealed envelope that cannot be trusted: malformed, tampered with, sealed
 * under another aad (for example a session ciphertext copied to another item)
 * or under a key this service does not hold. It carries the `unauthenticated`
 * code and a 401 status, so an HTTP layer that lets it escape answers exactly
 * as for a missing session. Messages describe the shape only, never content.
 */
export class EnvelopeError extends AppError {
  override readonly name = "EnvelopeError";
  constructor(message = "The sealed value is not valid", options: { cause?: unknown } = {}) {
    super(ErrorCodes.unauthenticated, 401, message, options);
  }
}

/**
 * Keeps our own errors and turns anything else (a DynamoDB or KMS fault, a
 * file-system error) into `SessionStoreError`, with the original as `cause`,
 * so an outage is a 503 and never looks like a logout.
 */
export function toStoreError(error: unknown, message?: string): AppError {
  if (error instanceof AppError) return error;
  return new SessionStoreError(message, { cause: error });
}
