import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts", "web/src/**/*.test.ts"],
    exclude: ["test/infra/**", "**/node_modules/**"],
    pool: "forks",
    // Application log lines of the code under test stay out of the test report (captureOutput() still sees them).
    setupFiles: ["packages/core/src/testing/quiet-logs.ts"],
    // oidc-provider's notices about this machine's Node 20 and its in-memory adapter (the local IdP's, on purpose).
    onConsoleLog: (log) => !/^oidc-provider WARNING: /.test(log),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
