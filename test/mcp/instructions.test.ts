import { afterAll, beforeAll, expect, it } from "vitest";
import { instructions } from "../../src/mcp/server.js";
import { connect, openTestApp, type TestApp } from "../support/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
});
afterAll(async () => {
  await t?.close();
});

it("tells an agent on initialize the id prefixes, where to start, the toolsets and the server's time", async () => {
  const before = Date.now();
  const client = await connect(t.app, t.owner);
  const text = client.getInstructions() ?? "";
  await client.close();
  for (const prefix of ["ct_ contact", "org_ organization", "deal_ deal", "svc_ service", "task_ task"])
    expect(text).toContain(prefix);
  for (const prefix of ["usr_ user", "col_ column", "wh_ webhook", "whd_ delivery", "evt_ event"])
    expect(text).toContain(prefix);
  expect(text).toContain("Call get_entity_configuration first");
  expect(text).toContain("Toolsets here: crm, webhooks, admin.");
  const now = Date.parse(/Now: (\S+)/.exec(text)![1]!);
  expect(now).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
  expect(now).toBeLessThanOrEqual(Date.now());
  expect(text).toContain(`server time zone ${Intl.DateTimeFormat().resolvedOptions().timeZone}`);
  expect(text.length).toBeLessThan(1000);
});

it("speaks only of the toolsets listed", async () => {
  const client = await connect(t.app, t.owner, { toolsets: ["webhooks"], readOnly: true });
  const text = client.getInstructions() ?? "";
  await client.close();
  expect(text).toContain("Toolsets here: webhooks (read-only).");
  expect(text).not.toContain("get_entity_configuration");
  expect(instructions({}, new Date("2026-12-02T10:00:00Z"))).toContain("Now: 2026-12-02T10:00:00.000Z");
});
