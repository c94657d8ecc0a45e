/**
 * Test support of every package (subpath `@spa-bff/core/testing`); it needs
 * vitest and is never imported by product code.
 */
export type { CapturedOutput } from "./capture-output.ts";
export { captureOutput } from "./capture-output.ts";
export { appLogLines } from "./quiet-logs.ts";
