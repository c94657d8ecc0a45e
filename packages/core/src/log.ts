import { createHash } from "node:crypto";
import { Logger } from "@aws-lambda-powertools/logger";

/**
 * Structured JSON logs (Powertools). Callers pass codes and hashes, never a
 * token, authorization code, cookie value or secret.
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logLevel: (process.env.LOG_LEVEL as "INFO" | undefined) ?? "INFO" });
}

/** A short, stable, non-reversible handle for a secret identifier such as a session id. */
export function hashId(value: string): string {
  return createHash("sha256").update(value).digest("base64url").slice(0, 16);
}

export type { Logger };
