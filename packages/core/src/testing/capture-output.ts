import { vi } from "vitest";

/** What the process wrote to stdout and stderr while captured. */
export interface CapturedOutput {
  /** Every write, in order. */
  readonly lines: string[];
  text(): string;
}

/**
 * Captures what the Powertools loggers really write (JSON lines on stdout and
 * stderr) instead of printing it, so a test can assert that no token, code,
 * cookie or secret ever reaches a log line. Undone by `vi.restoreAllMocks()`.
 * Test support only (subpath `@spa-bff/core/testing`): it needs vitest.
 */
export function captureOutput(): CapturedOutput {
  const lines: string[] = [];
  const collect = (chunk: unknown) => {
    lines.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(collect);
  vi.spyOn(process.stderr, "write").mockImplementation(collect);
  return { lines, text: () => lines.join("") };
}
