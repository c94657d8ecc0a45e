import { createLogger, type Logger } from "@spa-bff/core";
import { vi } from "vitest";

/** A real Powertools logger whose output lines are collected instead of printed. */
export interface CapturedLogs {
  logger: Logger;
  /** Everything written, one entry per write. */
  lines: string[];
  text(): string;
}

/**
 * Captures what the logger really writes (its JSON lines on stdout/stderr),
 * so a test can assert that no code ever reaches a log.
 */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const collect = (chunk: unknown) => {
    lines.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(collect);
  vi.spyOn(process.stderr, "write").mockImplementation(collect);
  const logger = createLogger("auth-challenge-test");
  logger.setLogLevel("DEBUG");
  return { logger, lines, text: () => lines.join("") };
}
