import { spawn } from "node:child_process";
import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Receiver, startReceiver } from "../support/https-receiver.js";
import { until } from "../support/wait.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CLI = join(ROOT, "dist", "bin", "cli.js");

let dir: string;
let receiver: Receiver;
let caFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "crm-stdio-"));
  receiver = await startReceiver({ respond: { status: 200, body: "thanks" } });
  caFile = join(dir, "ca.pem");
  const { writeFileSync } = await import("node:fs");
  writeFileSync(caFile, receiver.ca);
});
afterAll(async () => {
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

function env(extra: Record<string, string> = {}) {
  return {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    CRM_DB: join(dir, "crm.db"),
    CRM_WEBHOOK_ALLOW_PRIVATE: "1",
    CRM_WEBHOOK_TIMEOUT_MS: "3000",
    NODE_EXTRA_CA_CERTS: caFile,
    ...extra,
  };
}

/** The spec's own Node.js verification snippet. */
function verify(rawBody: string, received: string, secret: string) {
  const expected = createHmac("sha256", secret).update(rawBody).digest("hex");
  return timingSafeEqual(Buffer.from(expected), Buffer.from(received));
}

describe("stdio", () => {
  it("writes only JSON-RPC to stdout", async () => {
    // The most talkative level: every log line must still go to stderr.
    const child = spawn(process.execPath, [CLI], {
      env: env({ CRM_LOG_LEVEL: "trace" }),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    send({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "get_company", arguments: {} } });
    await until(() => out.split("\n").filter(Boolean).length >= 3, 10_000, "three answers on stdout");
    child.stdin.end();
    await new Promise((r) => child.on("exit", r));
    const lines = out.split("\n").filter(Boolean);
    expect(lines.length).toBe(3);
    for (const line of lines) expect(JSON.parse(line).jsonrpc).toBe("2.0");
    expect(JSON.parse(lines[2]!).result.structuredContent.name).toBe("Local company");
    const logs = err
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(logs.find((l) => l.msg === "started")).toMatchObject({
      mode: "stdio",
      level: "info",
      logLevel: "trace",
    });
  });

  it("end to end: webhook, contact change, signed delivery, search, resend", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI],
      env: env(),
      stderr: "pipe",
    });
    const client = new Client({ name: "e2e", version: "1" });
    await client.connect(transport);
    // biome-ignore lint/suspicious/noExplicitAny: reading results freely
    const call = async (name: string, args: Record<string, unknown>): Promise<any> => {
      // biome-ignore lint/suspicious/noExplicitAny: reading results freely
      const r = (await client.callTool({ name, arguments: args })) as any;
      if (r.isError) throw new Error(`${name}: ${r.content[0].text}`);
      return r.structuredContent;
    };
    const secret = "e2e-secret-123";
    const hook = await call("create_webhook", { url: receiver.url, events: ["contact.updated"], secret });
    const contact = (
      await call("create_contacts", { contacts: [{ firstName: "Max", lastName: "Mustermann" }] })
    ).items[0];
    const org = (await call("create_organizations", { organizations: [{ name: "Org 1" }] })).items[0];
    receiver.clear();
    await call("update_contacts", { contacts: [{ id: contact.id, organizationIds: [org.id] }] });
    const [req] = await receiver.waitFor(1, 10_000);
    expect(req!.headers["x-webhook-event"]).toBe("contact.updated");
    expect(verify(req!.body, req!.headers["x-webhook-signature"] as string, secret)).toBe(true);
    const body = JSON.parse(req!.body);
    expect(body.data.entityId).toBe(contact.id);
    expect(body.data.payload.changes).toEqual({ organizationIds: { previous: [], current: [org.id] } });

    const list = await call("list_webhook_deliveries", { searchTerm: "contact.upd" });
    expect(list.items.length).toBe(1);
    expect(list.items[0].webhookId).toBe(hook.id);
    const resent = await call("resend_webhook_delivery", { id: list.items[0].id });
    expect(resent.status).toBe("succeeded");
    const again = await receiver.waitFor(2, 10_000);
    expect(again[1]!.body).toBe(req!.body);
    expect(again[1]!.headers["x-webhook-id"]).toBe(req!.headers["x-webhook-id"]);
    await client.close();
  });
});
