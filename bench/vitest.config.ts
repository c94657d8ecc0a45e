import { defineConfig } from "vitest/config";

// The bench's own tests alone (`npm test` runs them too): `npx vitest run --config bench/vitest.config.ts`.
export default defineConfig({
  test: {
    include: ["bench/**/*.test.ts"],
    pool: "forks",
  },
});
