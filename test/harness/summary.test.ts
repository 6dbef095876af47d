import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";

const VITEST = join(process.cwd(), "node_modules", "vitest", "vitest.mjs");
const CONFIG = join(process.cwd(), "test", "fixtures", "summary", "vitest.config.ts");

it("counts a file that fails to start as failed, and its tests as not run, never as skipped", () => {
  const run = spawnSync(process.execPath, [VITEST, "run", "--config", CONFIG], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    timeout: 60_000,
  });
  const lines = run.stdout.trimEnd().split("\n");
  expect(lines.at(-1)).toBe("2 passed, 3 failed, 1 skipped, 3 not run");
  expect(run.stdout).toMatch(/failed to start: .*cannot-start\.fixture\.ts: no browser here/);
  expect(run.stdout).toMatch(/failed to start: .*import-error\.fixture\.ts: this file cannot be loaded/);
  expect(run.status).not.toBe(0);
});
