import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CsvImporter } from "../../src/csv/import.js";
import type { EntityRecord, EntityType } from "../../src/domain/model.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { ENGINE } from "../support/engine.js";

let t: TestApp;
let importer: CsvImporter;

beforeEach(async () => {
  t = await openTestApp({ dispatch: false });
  importer = new CsvImporter(t.app.crm);
});
afterEach(async () => {
  await t.close();
});

const all = async (type: EntityType) => {
  const out: EntityRecord[] = [];
  for await (const chunk of t.app.crm.scan(t.owner, type)) out.push(...chunk);
  return out;
};

describe("batches", () => {
  it("two rows about one record by different emails are applied in order, not refused together", async () => {
    const [ada] = await t.app.crm.create(t.owner, "contact", [
      { firstName: "Ada", emails: ["a@example.com", "b@example.com"] },
    ]);
    const progress: number[] = [];
    const report = await importer.import(
      t.owner,
      "contact",
      "First Name,Email\nNew,new@example.com\nAda1,a@example.com\nAda2,b@example.com\n",
      { onProgress: (done) => void progress.push(done) },
    );
    expect(report.rows.map((r) => [r.row, r.action, r.id === ada!.id])).toEqual([
      [2, "created", false],
      [3, "updated", true],
      [4, "updated", true],
    ]);
    // The batch ends before the second row about Ada; the next one applies it.
    expect(progress).toEqual([2, 3]);
    const contacts = await all("contact");
    expect(contacts.map((c) => c.firstName).sort()).toEqual(["Ada2", "New"]);
    const events = (await t.app.store.read((tx) => tx.webhooks.events(t.owner.companyId))).filter(
      (e) => e.entityId === ada!.id,
    );
    expect(events.map((e) => [e.event, JSON.parse(e.body).data.payload.changes?.firstName?.current])).toEqual(
      [
        ["contact.created", undefined],
        ["contact.updated", "Ada1"],
        ["contact.updated", "Ada2"],
      ],
    );
  });

  it("an organization created and linked in one batch emits created with its contacts, later links an update", async () => {
    const report = await importer.import(
      t.owner,
      "contact",
      "First Name,Email,Company\nAda,a@example.com,Fresh Co\nBob,b@example.com,Fresh Co\n",
      { createOrganizations: true, batchSize: 1 },
    );
    const [ada, bob] = report.rows.map((r) => r.id!);
    const [fresh] = await all("organization");
    const events = (await t.app.store.read((tx) => tx.webhooks.events(t.owner.companyId))).filter(
      (e) => e.entityId === fresh!.id,
    );
    expect(
      events.map((e) => {
        const { payload } = JSON.parse(e.body).data;
        return [e.event, payload.organization.contactIds, payload.changes?.contactIds?.current];
      }),
    ).toEqual([
      ["organization.created", [ada], undefined],
      ["organization.updated", [ada, bob], [ada, bob]],
    ]);
  });

  it.runIf(ENGINE === "postgres")(
    "a batch whose connection ends before it commits runs again from where it began",
    async () => {
      await t.app.crm.create(t.owner, "contact", [{ firstName: "Ada", emails: ["a@example.com"] }]);
      const url = t.dbEnv.CRM_DATABASE_URL!;
      const name = new URL(url).pathname.slice(1);
      // Another connection holds back every write to contacts, so the batch waits in the
      // middle of its transaction, after it planned its rows and created their organization.
      const locker = new pg.Client({ connectionString: url });
      await locker.connect();
      try {
        await locker.query("begin");
        await locker.query("lock table contacts in share row exclusive mode");
        const done = importer.import(
          t.owner,
          "contact",
          "First Name,Email,Company\nNew,new@example.com,Fresh Co\nAda2,a@example.com,Fresh Co\n",
          { createOrganizations: true },
        );
        let ended = 0;
        for (let i = 0; i < 500 && ended === 0; i++) {
          await new Promise((r) => setTimeout(r, 20));
          const { rows } = await locker.query(
            "select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and wait_event_type = 'Lock' and pid <> pg_backend_pid()",
            [name],
          );
          ended = rows[0].n;
        }
        expect(ended).toBe(1);
        await locker.query("commit");
        const report = await done;
        expect(report.rows.map((r) => [r.row, r.action, r.problems])).toEqual([
          [2, "created", undefined],
          [3, "updated", undefined],
        ]);
        expect(report.organizationsCreated).toEqual(["Fresh Co"]);
        const [fresh, ...others] = await all("organization");
        expect(others).toEqual([]);
        const contacts = await all("contact");
        expect(contacts.map((c) => [c.firstName, c.organizationIds]).sort()).toEqual([
          ["Ada2", [fresh!.id]],
          ["New", [fresh!.id]],
        ]);
      } finally {
        await locker.end();
      }
    },
  );
});
