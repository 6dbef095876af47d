import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { CsvImporter } from "../../src/csv/import.js";
import { call, connect, ok, openTestApp } from "../support/app.js";
import { startReceiver } from "../support/https-receiver.js";
import { until } from "../support/wait.js";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("an import fires webhooks", () => {
  it("sends one signed delivery per created or updated record, and none for unchanged ones", async () => {
    const receiver = await startReceiver({ respond: { status: 200, body: "ok" } });
    const t = await openTestApp({ ca: receiver.ca });
    cleanups.push(
      () => receiver.close(),
      () => t.close(),
    );
    await t.app.webhooks.create(t.owner, {
      url: receiver.url,
      events: ["contact.created", "contact.updated"],
      secret: "import-test-secret-0123456789",
    });
    const importer = new CsvImporter(t.app.crm);
    const file = "First Name,Email\nAda,ada@example.com\nBob,bob@example.com\nCy,cy@example.com\n";
    const report = await importer.import(t.owner, "contact", file);
    const requests = await receiver.waitFor(3, 10_000);
    const created = requests.map((r) => JSON.parse(r.body) as { event: string; data: { entityId: string } });
    expect(created.map((e) => e.event)).toEqual(["contact.created", "contact.created", "contact.created"]);
    expect(created.map((e) => e.data.entityId).sort()).toEqual(report.rows.map((r) => r.id).sort());
    for (const r of requests)
      expect(r.headers["x-webhook-signature"]).toBe(
        createHmac("sha256", "import-test-secret-0123456789").update(r.rawBody).digest("hex"),
      );

    // The same file again: nothing moves, nothing is sent. Then one changed row: one update.
    await importer.import(t.owner, "contact", file);
    await importer.import(t.owner, "contact", file.replace("Bob,", "Robert,"));
    await receiver.waitFor(4, 10_000);
    const update = JSON.parse(receiver.requests[3]!.body) as {
      event: string;
      data: { payload: { changes: Record<string, unknown> } };
    };
    expect(update.event).toBe("contact.updated");
    expect(update.data.payload.changes).toEqual({ firstName: { previous: "Bob", current: "Robert" } });
    await until(
      async () => (await t.app.deliveries.list(t.owner, { status: "pending" })).total === 0,
      10_000,
      "no delivery left pending",
    );
    expect(receiver.requests).toHaveLength(4);
  });
});

describe("import_records", () => {
  it("reports a dry run row by row, then imports", async () => {
    const t = await openTestApp({ dispatch: false });
    cleanups.push(() => t.close());
    const client = await connect(t.app, t.owner);
    cleanups.push(() => client.close());
    const csv = "Name,E-mail,Company\nAda Lovelace,ada@example.com,Acme\nBob,nope,Acme\n";
    const dry = await ok(client, "import_records", {
      entity: "contact",
      csv,
      dryRun: true,
      createOrganizations: true,
    });
    expect(dry).toMatchObject({
      dryRun: true,
      counts: { created: 1, updated: 0, unchanged: 0, refused: 1 },
      organizationsCreated: ["Acme"],
      rows: [
        { row: 2, action: "created", name: "Ada Lovelace" },
        {
          row: 3,
          action: "refused",
          problems: [{ column: "E-mail", message: expect.stringContaining("email") }],
        },
      ],
    });
    expect((await ok(client, "count_entity", { entity: "contact" })).count).toBe(0);
    const real = await ok(client, "import_records", { entity: "contact", csv, createOrganizations: true });
    expect(real.counts).toEqual({ created: 1, updated: 0, unchanged: 0, refused: 1 });
    expect((await ok(client, "count_entity", { entity: "organization" })).count).toBe(1);
    const tooBig = await call(client, "import_records", {
      entity: "contact",
      csv: "x".repeat(1024 * 1024 + 1),
    });
    expect(tooBig.isError).toBe(true);
    expect(tooBig.text).toMatch(/^csv: /);
  });
});
