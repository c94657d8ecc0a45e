import { createLogger, type Logger } from "@spa-bff/core";
import { captureOutput } from "@spa-bff/core/testing";

/** A real Powertools logger whose output lines are collected instead of printed. */
export interface CapturedLogs {
  logger: Logger;
  /** Everything written, one entry per write. */
  lines: string[];
  text(): string;
}

/** A debug-level trigger logger with its output captured, so a test can assert that no code ever reaches a log. */
export function captureLogs(): CapturedLogs {
  const output = captureOutput();
  const logger = createLogger("auth-challenge-test");
  logger.setLogLevel("DEBUG");
  return { logger, lines: output.lines, text: output.text };
}
