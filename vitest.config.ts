import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts", "web/src/**/*.test.ts"],
    exclude: ["test/infra/**", "**/node_modules/**"],
    pool: "forks",
    // Application log lines of the code under test stay out of the test report (captureOutput() still sees them).
    setupFiles: ["packages/core/src/testing/quiet-logs.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
