// The vitest suite runs on Node against the packed package, installed in node_modules by
// `deno task test:node` (node/test.ts); nothing here imports the TypeScript sources.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The tslab notebook starts a kernel that compiles TypeScript: seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
