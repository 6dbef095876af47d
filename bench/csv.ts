import { type ChildProcess, spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { PACKAGE_ROOT } from "../src/paths.js";
import { firstStartBanner, percentile, startReceiverProcess, tempDir } from "./support.js";

const CLI = join(PACKAGE_ROOT, "dist", "bin", "cli.js");

/** A spreadsheet of `n` contacts as another CRM would export it. */
function contactsCsv(n: number): string {
  const lines = ["First Name,Last Name,E-mail,Lead Source"];
  for (let i = 0; i < n; i++)
    lines.push(`Person${i},"Family, ${i % 997}",person${i}@example.com,${i % 2 ? "Web" : "Fair"}`);
  return `${lines.join("\n")}\n`;
}

/** Signs in to the web UI with an API key; the session cookie and the CSRF token of its forms. */
async function uiSession(base: string, key: string) {
  const login = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { origin: base, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ key }),
  });
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
  const page = await (await fetch(`${base}/import`, { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!cookie || !csrf) throw new Error("could not sign in to the UI");
  return { cookie, csrf };
}

/**
 * A CSV import of 100,000 contacts (10,000 with --quick) uploaded to a `crm-mcp serve`
 * process through its import page, with one webhook subscribed (the server's dispatcher
 * sends to a receiver in its own process while the import runs). Meanwhile another client
 * calls the server over MCP, a search then a one-contact create, again and again: their p99
 * during the import is reported beside the p99 of the same calls on the idle server. The
 * peer of the import's rate is create_contacts, 100 contacts a call, on the same server.
 */
export async function benchCsvImport(opts: { quick: boolean }) {
  const total = opts.quick ? 10_000 : 100_000;
  const dir = tempDir("csv");
  const receiver = await startReceiverProcess(true);
  const caFile = join(dir, "ca.pem");
  writeFileSync(caFile, receiver.ca);
  let server: ChildProcess | null = null;
  try {
    server = spawn(process.execPath, [CLI, "serve", "--port", "0"], {
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        CRM_DB: join(dir, "crm.db"),
        CRM_WEBHOOK_ALLOW_PRIVATE: "1",
        CRM_WEBHOOK_CA_FILE: caFile,
        CRM_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const { url, key } = await firstStartBanner(server!);
    const mcp = new Client({ name: "bench", version: "1" });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${key}` } },
      }),
    );
    const tool = async (name: string, args: Record<string, unknown>) => {
      const r = await mcp.callTool({ name, arguments: args });
      if (r.isError) throw new Error(`${name}: ${JSON.stringify(r.content)}`);
      return r;
    };
    await tool("create_webhook", { url: receiver.url, events: ["contact.created", "contact.updated"] });
    await tool("create_custom_column", {
      entityType: "contact",
      label: "Lead Source",
      type: "singleSelect",
      options: ["Fair", "Web"],
    });

    // The peer: the fastest bulk load the server had before, create_contacts with 100 a call
    // (the same webhook subscribed), on the same server in the same run.
    const peerRows = total / 10;
    const peerStart = performance.now();
    for (let i = 0; i < peerRows; i += 100) {
      await tool("create_contacts", {
        contacts: Array.from({ length: 100 }, (_, j) => ({
          firstName: `Peer${i + j}`,
          lastName: "Family",
          emails: [`peer${i + j}@example.net`],
        })),
      });
    }
    const peerPerS = peerRows / ((performance.now() - peerStart) / 1000);

    let k = 0;
    const otherClient = async (until: () => boolean, min: number) => {
      const times: number[] = [];
      while (!until() || times.length < min) {
        let start = performance.now();
        await tool("filter_entity", { entity: "contact", searchTerm: `person${k % 5000}`, limit: 10 });
        times.push(performance.now() - start);
        start = performance.now();
        await tool("create_contacts", {
          contacts: [{ firstName: "Other", emails: [`other${k++}@example.org`] }],
        });
        times.push(performance.now() - start);
      }
      return times;
    };
    // The same calls on the idle server first.
    const idle = await otherClient(() => true, 400);

    const { cookie, csrf } = await uiSession(url, key);
    const csv = contactsCsv(total);
    const form = new FormData();
    form.set("csrf", csrf);
    form.set("entity", "contact");
    form.set("file", new Blob([csv], { type: "text/csv" }), "contacts.csv");
    let importing = true;
    const during = otherClient(() => !importing, 0);
    const start = performance.now();
    const response = await fetch(`${url}/import`, {
      method: "POST",
      headers: { cookie, origin: url },
      body: form,
    });
    const page = await response.text();
    const seconds = (performance.now() - start) / 1000;
    importing = false;
    const busy = await during;
    const summary = /id="summary">([^<]*)</.exec(page)?.[1] ?? "";
    if (response.status !== 200 || !summary.includes(`Created ${total},`))
      throw new Error(`import did not create every row: ${response.status} ${summary || page.slice(0, 300)}`);
    await mcp.close();
    return {
      csv_import_rows: total,
      csv_import_rows_per_s: Math.round(total / seconds),
      create_contacts_rows_per_s: Math.round(peerPerS),
      csv_import_vs_create_contacts_ratio: total / seconds / peerPerS,
      csv_import_other_calls: busy.length,
      csv_import_other_calls_p50_ms: percentile(busy, 50),
      csv_import_other_calls_p99_ms: percentile(busy, 99),
      idle_other_calls_p50_ms: percentile(idle, 50),
      idle_other_calls_p99_ms: percentile(idle, 99),
      csv_import_other_calls_p99_vs_idle_ratio: percentile(busy, 99) / percentile(idle, 99),
      csv_import_webhooks_received_during_import: receiver.count(),
    };
  } finally {
    server?.kill("SIGTERM");
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
