import { spawn, spawnSync } from "node:child_process";
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
      "keys list",
      "keys revoke",
      "companies create --name",
      "users create --company",
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

  it("administers companies, users and keys without SQL", () => {
    const company = run(["companies", "create", "--name", "Acme Ltd", "--owner-name", "Ada"]);
    expect(company.code, company.stderr).toBe(0);
    const [companyId, ownerId] = company.stdout.trim().split(" ");
    expect(companyId).toMatch(/^co_/);
    expect(ownerId).toMatch(/^usr_/);
    expect(run(["companies", "list"]).stdout).toMatch(new RegExp(`^${companyId}\tAcme Ltd\t`, "m"));

    const user = run(["users", "create", "--company", companyId!, "--name", "Bob", "--email", "bob@acme.io"]);
    expect(user.code, user.stderr).toBe(0);
    const userId = user.stdout.trim();
    expect(run(["users", "list", "--company", companyId!]).stdout).toContain(
      `${userId}\tBob\tbob@acme.io\tmember`,
    );

    const key = run(["keys", "create", "--user", userId, "--name", "bob-agent"]);
    expect(key.stdout).toMatch(/^crm_[A-Za-z0-9_-]{20,}\n$/);
    const listed = run(["keys", "list", "--company", companyId!]);
    expect(listed.code).toBe(0);
    const rows = listed.stdout.trim().split("\n");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^id\tname\t/);
    const [keyId, name] = rows[1]!.split("\t");
    expect(name).toBe("bob-agent");
    expect(listed.stdout).not.toContain(key.stdout.trim());
    expect(rows[0]!.split("\t").at(-1)).toBe("last used");
    expect(rows[1]!.split("\t").at(-1)).toBe("-");
    // Used once (stdio acting as the key's user, stdin closed at once): the list shows when.
    const before = new Date().toISOString();
    expect(run([], { CRM_API_KEY: key.stdout.trim() }).code).toBe(0);
    const used = run(["keys", "list", "--company", companyId!])
      .stdout.trim()
      .split("\n")[1]!
      .split("\t")
      .at(-1)!;
    expect(used >= before && used <= new Date().toISOString(), used).toBe(true);

    const revoked = run(["keys", "revoke", keyId!]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stderr).toContain(`Revoked ${keyId}`);
    expect(run(["keys", "list", "--company", companyId!]).stdout.trim().split("\n")).toHaveLength(1);
    // The revoked key no longer opens the CRM.
    const refused = run([], { CRM_API_KEY: key.stdout.trim() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/CRM_API_KEY is not a key of this database/);
  });

  it("answers every misuse with one line on stderr and exit code 2", () => {
    const cases: [string[], RegExp][] = [
      [
        ["keys", "create", "--name", "x".repeat(201)],
        /^crm-mcp: --name: is 201 characters long; the limit is 100\n$/,
      ],
      [["keys", "create", "--name"], /argument missing/],
      [["keys", "create", "--nme", "x"], /Unknown option '--nme'/],
      [["keys", "create", "--name", "a", "--name", "b"], /--name/],
      [["keys", "frob"], /keys: unknown command "frob"/],
      [["keys"], /usage: crm-mcp keys create/],
      [["keys", "create", "--name", "ci", "--user", "usr_nope"], /--user: no user with id "usr_nope" exists/],
      [["keys", "create", "--name", "ci", "--user", "co_x"], /--user: must be an id that starts with usr_/],
      [["keys", "list", "extra"], /unexpected argument "extra"/],
      [["keys", "revoke"], /keys revoke: the key's id .* is required/],
      [["keys", "revoke", "key_nope"], /key id: no API key with id "key_nope" exists/],
      [["companies", "create"], /--name is required/],
      [["companies", "create", "--name", ""], /--name: must not be empty/],
      [["companies", "create", "--name", "A", "--owner-email", "nope"], /--owner-email: must be an email/],
      [["users", "create", "--company", "co_nope", "--name", "Bob"], /--company: no company with id/],
      [
        ["users", "create", "--company", "co_x", "--name", "B", "--role", "king"],
        /--role: "king" is not one of/,
      ],
      [["users", "list"], /--company is required/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      const label = args.join(" ").slice(0, 60);
      expect(r.code, label).toBe(2);
      expect(r.stderr.trim().split("\n"), label).toHaveLength(1);
      expect(r.stderr, label).toMatch(message);
      expect(r.stderr, label).not.toMatch(/\n\s+at /);
      expect(r.stdout, label).toBe("");
    }
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
        { CRM_LOG_LEVEL: "loud" },
        /CRM_LOG_LEVEL must be one of fatal, error, warn, info, debug/,
      ],
      [["serve", "--metrics-port", "99999"], {}, /--metrics-port: "99999" is not a port number/],
      [["serve", "--metrics-host", "0.0.0.0"], {}, /--metrics-host needs --metrics-port/],
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
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stdout, args.join(" ")).toBe("");
    }
  });

  it("serves /metrics on its own port and logs a start-up summary on stderr", async () => {
    const child = spawn(process.execPath, [CLI, "serve", "--port", "0", "--metrics-port", "0"], {
      env: { PATH: process.env.PATH ?? "", HOME: dir, CRM_DB: join(dir, "serve.db") },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    try {
      for (let i = 0; i < 300 && !/Metrics: +\S+\n/.test(out); i++)
        await new Promise((r) => setTimeout(r, 50));
      const metricsUrl = /Metrics: +(\S+)\n/.exec(out)![1]!;
      const url = /listening on (\S+)\n/.exec(out)![1]!;
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const res = await fetch(metricsUrl);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("crm_webhook_outbox_depth 0");
      const logs = err
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      expect(logs[0]).toMatchObject({ msg: "started", mode: "http", url, metricsUrl, level: "info" });
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.on("exit", r));
    }
  });
});
