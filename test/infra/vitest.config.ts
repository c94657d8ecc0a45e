import { defineConfig } from "vitest/config";

// Forks, not threads: SST's run() calls process.chdir(), which worker threads refuse.
export default defineConfig({
  test: {
    include: ["test/infra/**/*.test.ts"],
    exclude: ["test/infra/mutations/**", "**/node_modules/**"],
    globalSetup: ["test/infra/global-setup.ts"],
    pool: "forks",
    // Synths are single-threaded and CPU-bound: one test file per core (vitest leaves one core idle by default).
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
