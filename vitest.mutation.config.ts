import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.js";

/**
 * The suite as the mutation run uses it: in-process tests only, on SQLite alone (the code
 * under mutation is shared by both engines or is the SQLite store's; each mutant would
 * otherwise run its tests twice). The browser tests take minutes per mutant, and tests that
 * spawn the built CLI run `dist/`, which mutants never reach; each guard they cover has an
 * in-process test too.
 */
const merged = mergeConfig(
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

const full = defineConfig({
  ...merged,
  test: {
    ...merged.test,
    projects: (merged.test?.projects ?? []).filter(
      (p) => typeof p === "object" && "test" in p && p.test?.name === "sqlite",
    ),
  },
});
export default full;

/** The mutation run's suite narrowed to `include`: a file's own tests, for a quicker run. */
export function narrowedTo(include: string[]) {
  return defineConfig({
    ...full,
    test: { ...full.test, projects: [{ extends: true, test: { name: "sqlite", include } }] },
  });
}
