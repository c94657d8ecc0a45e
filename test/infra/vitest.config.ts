import { defineConfig } from "vitest/config";

// Forks, not threads: SST's run() calls process.chdir(), which worker threads refuse.
export default defineConfig({
  test: {
    include: ["test/infra/**/*.test.ts"],
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
