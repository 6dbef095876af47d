import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exportCsvText } from "../../src/csv/export.js";
import { CsvImporter, type ImportReport } from "../../src/csv/import.js";
import { ValidationError } from "../../src/domain/errors.js";
import type { EntityRecord, EntityType } from "../../src/domain/model.js";
import type { Actor } from "../../src/events/recorder.js";
import { openTestApp, type TestApp } from "../support/app.js";

let t: TestApp;
let importer: CsvImporter;

beforeEach(async () => {
  t = await openTestApp({ dispatch: false });
  importer = new CsvImporter(t.app.crm);
});
afterEach(async () => {
  await t.close();
});

const all = async (type: EntityType, actor: Actor = t.owner) => {
  const out: EntityRecord[] = [];
  for await (const chunk of t.app.crm.scan(actor, type)) out.push(...chunk);
  return out;
};

/** Every delivery row written so far: one per event a subscribed webhook wanted. */
const deliveries = async () => (await t.app.deliveries.list(t.owner, { limit: 1 })).total;

const subscribeAll = () =>
  t.app.webhooks.create(t.owner, {
    url: "https://127.0.0.1:9/hook",
    events: ["contact.created", "contact.updated", "organization.created", "organization.updated"],
  });

const rowsOf = (report: ImportReport) => report.rows.map((r) => [r.row, r.action]);

describe("reading files", () => {
  it("takes a BOM, semicolons, CRLF, quoted separators, embedded newlines and UTF-8", async () => {
    const csv =
      '\ufeffFirst Name;Last Name;E-mail;Notes\r\nZoë;"Müller; Sr.";zoe@example.com;"line one\r\nline two"\r\n李;雷;li@example.com;\r\n';
    const report = await importer.import(t.owner, "contact", csv);
    expect(rowsOf(report)).toEqual([
      [2, "created"],
      [3, "created"],
    ]);
    const contacts = await all("contact");
    const zoe = contacts.find((c) => c.firstName === "Zoë")!;
    expect(zoe.lastName).toBe("Müller; Sr.");
    expect(zoe.emails).toEqual(["zoe@example.com"]);
    expect(JSON.stringify(zoe.notes)).toContain("line two");
    expect(contacts.find((c) => c.firstName === "李")?.lastName).toBe("雷");
  });

  it("counts rows as a spreadsheet does, even when a cell spans lines", async () => {
    const csv = 'Name,Email\n"Ada\nLovelace",ada@example.com\nBob,not-an-email\n';
    const report = await importer.import(t.owner, "contact", csv, { dryRun: true });
    expect(report.rows[1]).toMatchObject({
      row: 3,
      action: "refused",
      problems: [{ column: "Email", message: expect.stringContaining("email address") }],
    });
  });

  it("refuses whole files it cannot read, naming the fix", async () => {
    await expect(importer.import(t.owner, "contact", 'a,b\n"open,1\n')).rejects.toThrow(
      /file: is not valid CSV/,
    );
    await expect(importer.import(t.owner, "contact", "")).rejects.toThrow(/no header row/);
    const wide = `${Array.from({ length: 201 }, (_, i) => `c${i}`).join(",")}\n`;
    await expect(importer.import(t.owner, "contact", wide)).rejects.toThrow(/201 columns; the limit is 200/);
    await expect(
      importer.import(t.owner, "contact", "Email\na@example.com\n", { maxBytes: 10 }),
    ).rejects.toThrow(/bytes; the limit is 10/);
    expect(await all("contact")).toEqual([]);
  });
});

describe("mapping columns", () => {
  it("maps aliases and custom columns by label, and skips the rest", async () => {
    const column = await t.app.crm.createColumn(t.owner, {
      entityType: "contact",
      label: "Lead Source",
      type: "singleSelect",
      options: ["Fair", "Web"],
    });
    const csv =
      "Given Name,Surname,Email Address,lead source,Favourite Colour\nAda,Lovelace,ada@example.com,Fair,green\n";
    const report = await importer.import(t.owner, "contact", csv);
    expect(report.columns.map((c) => c.field)).toEqual([
      "firstName",
      "lastName",
      "emails",
      "Lead Source",
      null,
    ]);
    const [ada] = await all("contact");
    expect(ada).toMatchObject({ firstName: "Ada", lastName: "Lovelace", emails: ["ada@example.com"] });
    expect(ada!.customFieldValues).toEqual([{ columnId: column.id, value: "Fair" }]);
  });

  it("follows an explicit mapping, and refuses one that names nothing", async () => {
    const csv = "Vorname,Mail,Firma\nAda,ada@example.com,Acme\n";
    await importer.import(t.owner, "contact", csv, {
      mapping: { Vorname: "firstName", Mail: "emails", Firma: "-" },
    });
    expect(await all("contact")).toMatchObject([{ firstName: "Ada", emails: ["ada@example.com"] }]);
    await expect(
      importer.import(t.owner, "contact", csv, { mapping: { Vorname: "nickname" } }),
    ).rejects.toThrow(/mapping\["Vorname"\]: "nickname" is not a field or custom column of contact/);
    await expect(
      importer.import(t.owner, "contact", csv, { mapping: { Nope: "firstName" } }),
    ).rejects.toThrow(ValidationError);
    const many = Object.fromEntries(Array.from({ length: 4 }, (_, k) => [`c${k}`, "-"]));
    await expect(importer.import(t.owner, "contact", csv, { mapping: many })).rejects.toThrow(
      /^mapping: maps 4 columns but the file has 3/,
    );
  });

  it("refuses two columns feeding one field, but takes several email columns", async () => {
    await expect(importer.import(t.owner, "contact", "First Name,Given Name\nA,B\n")).rejects.toThrow(
      /both map to firstName/,
    );
    await importer.import(
      t.owner,
      "contact",
      "Name,Email,Email 2\nAda Lovelace,a@example.com,b@example.com\n",
    );
    expect(await all("contact")).toMatchObject([
      { firstName: "Ada", lastName: "Lovelace", emails: ["a@example.com", "b@example.com"] },
    ]);
  });
});

describe("the organization column", () => {
  it("links by name, refuses unknown names, or creates them once when asked", async () => {
    const [acme] = await t.app.crm.create(t.owner, "organization", [{ name: "Acme Ltd" }]);
    const csv =
      "Name,Email,Company\nAda L,ada@example.com,acme ltd\nBob B,bob@example.com,Globex\nCy C,cy@example.com,Globex\n";
    const dry = await importer.import(t.owner, "contact", csv, { dryRun: true });
    expect(rowsOf(dry)).toEqual([
      [2, "created"],
      [3, "refused"],
      [4, "refused"],
    ]);
    expect(dry.rows[1]!.problems).toEqual([
      {
        column: "Company",
        message: expect.stringMatching(/^no organization named "Globex"; import organizations first/),
      },
    ]);
    const real = await importer.import(t.owner, "contact", csv, { createOrganizations: true });
    expect(real.counts).toEqual({ created: 3, updated: 0, unchanged: 0, refused: 0 });
    expect(real.organizationsCreated).toEqual(["Globex"]);
    const orgs = await all("organization");
    expect(orgs.map((o) => o.name).sort()).toEqual(["Acme Ltd", "Globex"]);
    const globex = orgs.find((o) => o.name === "Globex")!;
    expect((globex.contactIds as string[]).length).toBe(2);
    const ada = (await all("contact")).find((c) => c.firstName === "Ada")!;
    expect(ada.organizationIds).toEqual([acme!.id]);
  });

  it("creates no organization for a row refused for another reason", async () => {
    const csv = "Email,Company\nnot-an-email,Initech\n";
    const report = await importer.import(t.owner, "contact", csv, { createOrganizations: true });
    expect(report.counts.refused).toBe(1);
    expect(report.organizationsCreated).toEqual([]);
    expect(await all("organization")).toEqual([]);
  });
});

describe("dry runs, upserts and events", () => {
  const file =
    "First Name,Last Name,Email,Company\nAda,Lovelace,ada@example.com,Acme\nBob,Babbage,bob@example.com,Acme\n";

  it("a dry run reports every row and writes nothing", async () => {
    await subscribeAll();
    await t.app.crm.create(t.owner, "contact", [{ firstName: "Ada", emails: ["ADA@example.com"] }]);
    const before = await deliveries();
    const report = await importer.import(t.owner, "contact", `${file}Eve,,eve@,Acme\n`, {
      dryRun: true,
      createOrganizations: true,
    });
    expect(report.dryRun).toBe(true);
    expect(report.rows).toEqual([
      {
        row: 2,
        action: "updated",
        id: expect.any(String),
        name: "Ada",
        changed: ["lastName", "emails", "organizationIds"],
      },
      { row: 3, action: "created", name: "Bob Babbage" },
      {
        row: 4,
        action: "refused",
        problems: [{ column: "Email", message: expect.stringContaining("email address") }],
      },
    ]);
    expect(report.organizationsCreated).toEqual(["Acme"]);
    expect(await all("organization")).toEqual([]);
    expect(await all("contact")).toHaveLength(1);
    expect(await deliveries()).toBe(before);
  });

  it("upserts contacts by email; a re-import changes nothing and emits nothing", async () => {
    await subscribeAll();
    const first = await importer.import(t.owner, "contact", file, { createOrganizations: true });
    expect(first.counts).toEqual({ created: 2, updated: 0, unchanged: 0, refused: 0 });
    const afterFirst = await deliveries();
    // Two contacts created, one organization created, then updated as they link to it.
    expect(afterFirst).toBeGreaterThanOrEqual(3);
    const stamps = (await all("contact")).map((c) => c.updatedAt);

    const again = await importer.import(t.owner, "contact", file, { createOrganizations: true });
    expect(again.counts).toEqual({ created: 0, updated: 0, unchanged: 2, refused: 0 });
    expect(await deliveries()).toBe(afterFirst);
    expect((await all("contact")).map((c) => c.updatedAt)).toEqual(stamps);
    expect(await all("organization")).toHaveLength(1);

    const changed = await importer.import(t.owner, "contact", file.replace("Babbage", "Babbage-King"));
    expect(changed.rows.map((r) => [r.action, r.changed])).toEqual([
      ["unchanged", undefined],
      ["updated", ["lastName"]],
    ]);
    expect(await deliveries()).toBe(afterFirst + 1);
  });

  it("refuses a row that repeats an earlier row's email, and rows with stray cells", async () => {
    const csv = "Email,Last Name\na@example.com,One\nA@example.com,Two\nb@example.com,Three,extra\n";
    const report = await importer.import(t.owner, "contact", csv);
    expect(report.rows.map((r) => [r.row, r.action, r.problems?.[0]?.message])).toEqual([
      [2, "created", undefined],
      [3, "refused", 'the same email "a@example.com" as row 2; merge the two rows'],
      [4, "refused", expect.stringContaining("has 3 cells but the header names 2 columns")],
    ]);
  });

  it("matches organizations by name and other types by an Id column", async () => {
    await importer.import(t.owner, "organization", "Name,Notes\nAcme,Big\n");
    const again = await importer.import(t.owner, "organization", "Company,Notes\nacme,Big\n", {
      dryRun: true,
    });
    expect(again.rows[0]).toMatchObject({ action: "updated", changed: ["name"] });
    const same = await importer.import(t.owner, "organization", "Company,Notes\nAcme,Big\n");
    expect(same.counts.unchanged).toBe(1);
    const [svc] = await t.app.crm.create(t.owner, "service", [{ name: "Audit", amount: 100 }]);
    const report = await importer.import(
      t.owner,
      "service",
      `Id,Name,Price\n${svc!.id},Audit 2026,"1,250.50"\n`,
    );
    expect(report.rows[0]).toMatchObject({ action: "updated", changed: ["name", "amount"] });
    expect((await all("service"))[0]).toMatchObject({ name: "Audit 2026", amount: 1250.5 });
  });

  it("refuses bad custom values in their column, and imports the good rows", async () => {
    await t.app.crm.createColumn(t.owner, {
      entityType: "contact",
      label: "Score",
      type: "number",
      options: [],
    });
    const csv = "Email,Score\na@example.com,12\nb@example.com,twelve\n";
    const report = await importer.import(t.owner, "contact", csv);
    expect(report.rows.map((r) => [r.action, r.problems?.[0]?.column])).toEqual([
      ["created", undefined],
      ["refused", "Score"],
    ]);
  });
});

describe("records others write during an import", () => {
  const file =
    "First Name,Last Name,Email\nAda,Lovelace,ada@example.com\nLate,Comer,late@example.com\nTom,Thumb,tom@example.com\n";

  it("a contact another client creates between batches is updated, not duplicated", async () => {
    await subscribeAll();
    let meanwhile = "";
    const report = await importer.import(t.owner, "contact", file, {
      batchSize: 1,
      onProgress: async (done) => {
        if (done !== 1) return;
        // Another client, after the first batch and before the one with its email.
        const [late] = await t.app.crm.create(t.owner, "contact", [
          { firstName: "Late", emails: ["LATE@example.com"] },
        ]);
        meanwhile = late!.id;
      },
    });
    expect(rowsOf(report)).toEqual([
      [2, "created"],
      [3, "updated"],
      [4, "created"],
    ]);
    expect(report.rows[1]).toMatchObject({ id: meanwhile, changed: ["lastName", "emails"] });
    const late = (await all("contact")).filter((c) => c.firstName === "Late");
    expect(late.map((c) => [c.id, c.lastName, c.emails])).toEqual([
      [meanwhile, "Comer", ["late@example.com"]],
    ]);
    // One created event for it (the other client's), then the import's update.
    const events = (await t.app.store.read((tx) => tx.webhooks.events(t.owner.companyId))).filter(
      (e) => e.entityId === meanwhile,
    );
    expect(events.map((e) => e.event)).toEqual(["contact.created", "contact.updated"]);
  });

  it("an organization another client creates between batches is linked, not created again", async () => {
    let acme = "";
    const report = await importer.import(
      t.owner,
      "contact",
      "First Name,Email,Company\nAda,ada@example.com,Globex\nBob,bob@example.com,Acme\n",
      {
        batchSize: 1,
        createOrganizations: true,
        onProgress: async (done) => {
          if (done === 1) acme = (await t.app.crm.create(t.owner, "organization", [{ name: "ACME" }]))[0]!.id;
        },
      },
    );
    expect(report.organizationsCreated).toEqual(["Globex"]);
    expect((await all("organization")).map((o) => o.name).sort()).toEqual(["ACME", "Globex"]);
    const bob = (await all("contact")).find((c) => c.firstName === "Bob")!;
    expect(bob.organizationIds).toEqual([acme]);
  });
});

describe("organizations by domain", () => {
  it("upserts by domain, else by name when the organization has no domain yet; links contacts by domain", async () => {
    await t.app.crm.create(t.owner, "organization", [
      { name: "Acme" },
      { name: "Initech", domain: "initech.example" },
    ]);
    const report = await importer.import(
      t.owner,
      "organization",
      "Name,Website,Domain\nAcme,https://acme.example,https://www.ACME.example/about\nInitech Corp,,initech.example\nInitech,,initech.example.org\n",
    );
    expect(report.rows.map((r) => [r.action, r.changed])).toEqual([
      ["updated", ["website", "domain"]],
      ["updated", ["name"]],
      ["created", undefined],
    ]);
    const orgs = await all("organization");
    expect(orgs.map((o) => [o.name, o.domain]).sort()).toEqual([
      ["Acme", "acme.example"],
      ["Initech Corp", "initech.example"],
      ["Initech", "initech.example.org"],
    ]);
    const contacts = await importer.import(
      t.owner,
      "contact",
      "Email,Company,Title,Phone\nada@example.com,acme.example,CTO,+1 555 0199\nbob@example.com,nope,,not a phone\n",
    );
    expect(contacts.rows[1]!.problems!.map((p) => p.column)).toEqual(["Phone"]);
    const [ada] = await all("contact");
    expect(ada).toMatchObject({ jobTitle: "CTO", phones: ["+1 555 0199"] });
    expect(ada!.organizationIds).toEqual([orgs.find((o) => o.name === "Acme")!.id]);
    expect(
      (await importer.import(t.owner, "deal", "Name,Stage\nBig one,Proposal\nSmall,someday\n")).rows.map(
        (r) => [r.action, r.problems?.[0]?.message],
      ),
    ).toEqual([
      ["created", undefined],
      [
        "refused",
        expect.stringMatching(/^"someday" is not one of the company's deal stages: lead, qualified/),
      ],
    ]);
  });
});

describe("export and import", () => {
  it("an export imported into an empty company reproduces the records", async () => {
    const crm = t.app.crm;
    const columns = {
      score: await crm.createColumn(t.owner, {
        entityType: "contact",
        label: "Score",
        type: "number",
        options: [],
      }),
      vip: await crm.createColumn(t.owner, {
        entityType: "contact",
        label: "VIP",
        type: "checkbox",
        options: [],
      }),
      tier: await crm.createColumn(t.owner, {
        entityType: "organization",
        label: "Tier",
        type: "singleSelect",
        options: ["Gold", "Silver"],
      }),
    };
    const [acme, globex] = await crm.create(t.owner, "organization", [
      { name: "Acme; Inc", customFieldValues: [{ columnId: columns.tier.id, value: "Gold" }] },
      {
        name: "Globex",
        domain: "globex.example",
        website: "https://www.globex.example/en",
        phones: ["+1 555 0100", "+1 555 0101"],
        notes: "Met at the *fair*\n\n- first\n- second",
      },
    ]);
    await crm.create(t.owner, "contact", [
      {
        firstName: "Ada",
        lastName: "Lovelace, Countess",
        jobTitle: "Analyst",
        phones: ["+44 20 7946 0000"],
        emails: ["ada@example.com", "ada@home.example"],
        organizationIds: [globex!.id],
        notes: 'She said "hello"\nover two lines',
        customFieldValues: [
          { columnId: columns.score.id, value: 9.5 },
          { columnId: columns.vip.id, value: true },
        ],
      },
      { firstName: "Bob", emails: [], organizationIds: [globex!.id] },
    ]);
    await crm.create(t.owner, "service", [{ name: "Audit", amount: 1250.5 }]);
    await crm.create(t.owner, "deal", [
      { name: "Renewal", stage: "proposal", expectedCloseDate: "2027-01-15", organizationIds: [globex!.id] },
    ]);
    await crm.create(t.owner, "task", [{ name: "Call", dueDate: "2026-12-31", status: "done" }]);
    expect(acme).toBeDefined();

    const other = await t.app.tenants.createCompany("Other Ltd", "Owner");
    const them: Actor = { companyId: other.companyId, userId: other.userId };
    for (const c of await crm.listColumns(t.owner))
      await crm.createColumn(them, {
        entityType: c.entityType,
        label: c.label,
        type: c.type,
        options: c.options,
      });

    const order: EntityType[] = ["organization", "service", "contact", "deal", "task"];
    for (const type of order) {
      const csv = await exportCsvText(crm, t.owner, type);
      const report = await importer.import(them, type, csv);
      expect(report.counts.refused, `${type}: ${JSON.stringify(report.rows)}`).toBe(0);
      // And back into the company it came from: nothing to do.
      const home = await importer.import(t.owner, type, csv);
      expect(home.counts).toMatchObject({ created: 0, updated: 0, refused: 0 });
    }

    const labels = async (actor: Actor) => {
      const cols = await crm.listColumns(actor);
      const orgs = await all("organization", actor);
      const orgName = new Map(orgs.map((o) => [o.id, o.name]));
      const out: Record<string, unknown[]> = {};
      for (const type of order) {
        out[type] = (await all(type, actor)).map((r) => {
          const {
            id: _id,
            createdAt: _c,
            updatedAt: _u,
            customFieldValues,
            contactIds: _ci,
            dealIds: _di,
            taskIds: _ti,
            ...rest
          } = r;
          return {
            ...rest,
            organizationIds: ((r.organizationIds as string[] | undefined) ?? []).map((o) => orgName.get(o)),
            custom: customFieldValues.map((v) => [cols.find((c) => c.id === v.columnId)?.label, v.value]),
          };
        });
        out[type]!.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      }
      return out;
    };
    expect(await labels(them)).toEqual(await labels(t.owner));
  });
});
