import { defineConfig } from "vitest/config";

// One process per shard; the mutants of a shard share its handler bundles, and all share the site build (global setup).
export default defineConfig({
  test: {
    include: ["test/infra/mutations/**/*.test.ts"],
    globalSetup: ["test/infra/global-setup.ts"],
    pool: "forks",
    // One shard per core (vitest leaves one core idle by default).
    maxWorkers: 2,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
