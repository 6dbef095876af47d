import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const CLI = join(import.meta.dirname, "..", "..", "dist", "bin", "cli.js");
const dir = mkdtempSync(join(tmpdir(), "crm-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: dir, CRM_DB: join(dir, "crm.db"), ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("crm-mcp CLI", () => {
  it("prints help and the version", () => {
    const help = run(["--help"]);
    expect(help.code).toBe(0);
    for (const word of [
      "serve",
      "keys create --name",
      "migrate",
      "CRM_DB",
      "CRM_API_KEY",
      "CRM_WEBHOOK_ALLOW_PRIVATE",
      "CRM_WEBHOOK_TIMEOUT_MS",
    ]) {
      expect(help.stdout).toContain(word);
    }
    expect(run(["--version"]).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("migrates, and `keys create` prints the key and nothing else", () => {
    expect(run(["migrate"]).code).toBe(0);
    const keys = run(["keys", "create", "--name", "laptop"]);
    expect(keys.code).toBe(0);
    expect(keys.stdout).toMatch(/^crm_[A-Za-z0-9_-]{20,}\n$/);
  });

  it("answers config errors with one clear line and a non-zero exit", () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [["serve", "--port", "abc"], {}, /--port: "abc" is not a port number/],
      [["keys", "create"], {}, /--name is required/],
      [["frobnicate"], {}, /unknown command "frobnicate"/],
      [["--toolsets", "crm,nope"], {}, /--toolsets: "nope" is not a toolset/],
      [["migrate"], { CRM_WEBHOOK_TIMEOUT_MS: "soon" }, /CRM_WEBHOOK_TIMEOUT_MS must be a whole number/],
      [
        ["migrate"],
        { CRM_DB: join(dir, "file-not-dir", "crm.db") },
        /cannot open the database at .*Set CRM_DB/,
      ],
      [[], { CRM_API_KEY: "crm_not-a-key" }, /CRM_API_KEY is not a key of this database/],
    ];
    writeFileSync(join(dir, "file-not-dir"), "x");
    for (const [args, env, message] of cases) {
      const r = run(args, env);
      expect(r.code, args.join(" ")).not.toBe(0);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stdout, args.join(" ")).toBe("");
    }
  });
});
