import { defineConfig } from "vitest/config";

// The root config's include does not cover bench/; `npx vitest run --config bench/vitest.config.ts` runs these.
export default defineConfig({
  test: {
    include: ["bench/**/*.test.ts"],
    pool: "forks",
  },
});
