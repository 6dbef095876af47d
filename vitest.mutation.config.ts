import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.js";

/**
 * The suite as the mutation run uses it: in-process tests only. The browser tests take
 * minutes per mutant, and tests that spawn the built CLI run `dist/`, which mutants never
 * reach; each guard they cover has an in-process test too.
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        "test/ui/ui.test.ts",
        "test/mcp/cli.test.ts",
        "test/mcp/stdio.test.ts",
        "test/webhooks/processes.test.ts",
        "test/webhooks/verify-export.test.ts",
        "**/node_modules/**",
      ],
      reporters: ["default"],
    },
  }),
);
