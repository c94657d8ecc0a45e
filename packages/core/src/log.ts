import { Logger } from "@aws-lambda-powertools/logger";

/**
 * Structured JSON logs (Powertools). Callers pass codes and hashes, never a
 * token, authorization code, cookie value or secret.
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logLevel: (process.env.LOG_LEVEL as "INFO" | undefined) ?? "INFO" });
}

export type { Logger };
