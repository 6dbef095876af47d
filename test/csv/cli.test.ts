import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/engine.js";

/** The built command line (`npm run build` first), on the engine under test. */
const CLI = join(import.meta.dirname, "..", "..", "dist", "bin", "cli.js");
const dir = mkdtempSync(join(tmpdir(), "crm-csv-cli-"));
let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase(dir);
});
afterAll(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: dir, ...db.env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("crm-mcp import and export", () => {
  it("checks a file with --dry-run, imports it, exports it, and re-imports it as unchanged", () => {
    const orgs = file("orgs.csv", "Company;Notes\nAcme Ltd;Key account\n");
    expect(run(["import", "organizations", orgs]).code).toBe(0);

    const contacts = file(
      "contacts.csv",
      '\ufeffFirst Name,Last Name,E-mail,Company\nAda,Lovelace,ada@example.com,Acme Ltd\nBob,"Babbage, Jr.",bob@example.com,Acme Ltd\nEve,,not-an-email,\n',
    );
    const dry = run(["import", "contacts", contacts, "--dry-run"]);
    expect(dry.code).toBe(1);
    expect(dry.stdout.split("\n").filter(Boolean)).toEqual([
      "row 2\tcreated\t-\tAda Lovelace\t",
      "row 3\tcreated\t-\tBob Babbage, Jr.\t",
      expect.stringMatching(/^row 4\trefused\t-\t\tE-mail: must be an email address/),
    ]);
    expect(dry.stderr).toContain("2 created, 0 updated, 0 unchanged, 1 refused");
    expect(dry.stderr).toContain("(nothing was written)");
    expect(run(["export", "contacts"]).stdout).toBe(
      "Id,First Name,Last Name,Emails,Job Title,Phones,Organization,Notes\n",
    );

    const real = run(["import", "contacts", contacts, "--json"]);
    expect(real.code).toBe(1);
    const report = JSON.parse(real.stdout);
    expect(report.counts).toEqual({ created: 2, updated: 0, unchanged: 0, refused: 1 });

    const exported = run(["export", "contacts"]);
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trim().split("\n");
    expect(lines[0]).toBe("Id,First Name,Last Name,Emails,Job Title,Phones,Organization,Notes");
    expect(
      lines
        .slice(1)
        .map((l) => l.replace(/^ct_\w+,/, ""))
        .sort(),
    ).toEqual(["Ada,Lovelace,ada@example.com,,,Acme Ltd,", 'Bob,"Babbage, Jr.",bob@example.com,,,Acme Ltd,']);
    expect(exported.stderr).toContain("Exported 2 contacts");

    const again = run(["import", "contacts", file("again.csv", exported.stdout)]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe("");
    expect(again.stderr).toContain("0 created, 0 updated, 2 unchanged, 0 refused");
    // Seven processes, each opening the database: room for a busy machine.
  }, 180_000);

  it("takes an explicit mapping and explains bad use", () => {
    const odd = file("odd.csv", "Vorname,Mail,Quelle\nGrace,grace@example.com,fair\n");
    const mapped = run(["import", "contacts", odd, "--map", "Vorname=firstName,Mail=emails,Quelle=-"]);
    expect(mapped.code).toBe(0);
    expect(mapped.stdout).toMatch(/^row 2\tcreated\tct_\w+\tGrace\t\n$/);

    const bad = run(["import", "contacts", odd, "--map", "Vorname=nickname"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^crm-mcp: --map: "nickname" is not a field or custom column of contact/);
    expect(run(["import", "planets", odd]).stderr).toMatch(
      /"planets" is not a record type; use one of contacts/,
    );
    expect(run(["import", "contacts"]).stderr).toMatch(/FILE.csv is required/);
    expect(run(["import", "contacts", join(dir, "missing.csv")]).stderr).toMatch(
      /missing.csv: cannot read it/,
    );
    const broken = run(["import", "contacts", file("broken.csv", 'a,b\n"open,1\n')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken.csv: is not valid CSV/);
    const latin1 = file("latin1.csv", "");
    writeFileSync(latin1, Buffer.from([0x4e, 0x61, 0x6d, 0x65, 0x0a, 0x5a, 0x6f, 0xeb, 0x0a]));
    expect(run(["import", "contacts", latin1]).stderr).toMatch(/is not UTF-8 text; save it .* as CSV UTF-8/);
  }, 180_000);
});
