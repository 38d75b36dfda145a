import { defineConfig } from "vitest/config";

// Tests never assert on wall-clock time; the generous timeouts are for the 2-core CI machine.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    reporters: ["default"],
  },
});
