import { rmSync } from "node:fs";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { openApp } from "../src/app.js";
import { startHttpServer } from "../src/http/server.js";
import { percentile, tempDir } from "./support.js";

/**
 * The REST API against its peer, MCP over Streamable HTTP, on the same server in the same run:
 * a search through each, and the cost of an Idempotency-Key on a create.
 */
export async function benchRest(opts: { quick: boolean }) {
  const contacts = opts.quick ? 2_000 : 20_000;
  const rounds = opts.quick ? 200 : 1_000;
  const dir = tempDir("rest");
  const app = await openApp(
    { dbPath: join(dir, "crm.db"), apiKey: undefined, allowPrivate: true, timeoutMs: 5000 },
    { dispatch: false },
  );
  const http = await startHttpServer(app, { host: "127.0.0.1", port: 0 });
  try {
    const owner = await app.tenants.localOwner();
    const key = (await app.tenants.createApiKey(owner, "bench")).key;
    for (let i = 0; i < contacts; i += 100) {
      await app.crm.create(
        owner,
        "contact",
        Array.from({ length: 100 }, (_, j) => ({ firstName: "Person", lastName: `N${i + j}` })),
      );
    }
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const mcp = new Client({ name: "bench", version: "1" });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`), { requestInit: { headers } }),
    );
    const terms = ["n1", "n42", "n777", "person", "none-such"];
    const restTimes: number[] = [];
    const mcpTimes: number[] = [];
    // Interleaved, so that both see the same cache and the same neighbours on the machine.
    for (let i = 0; i < rounds; i++) {
      const term = terms[i % terms.length]!;
      let start = performance.now();
      const r = await fetch(`${http.url}/api/v1/contacts?searchTerm=${term}&limit=25`, { headers });
      if (r.status !== 200) throw new Error(`REST search answered ${r.status}`);
      await r.arrayBuffer();
      restTimes.push(performance.now() - start);
      start = performance.now();
      const m = await mcp.callTool({
        name: "filter_entity",
        arguments: { entity: "contact", searchTerm: term },
      });
      if (m.isError) throw new Error(JSON.stringify(m.content));
      mcpTimes.push(performance.now() - start);
    }
    await mcp.close();

    const create = async (idempotencyKey?: string) => {
      const start = performance.now();
      const r = await fetch(`${http.url}/api/v1/contacts`, {
        method: "POST",
        headers: idempotencyKey ? { ...headers, "idempotency-key": idempotencyKey } : headers,
        body: JSON.stringify({ contacts: [{ firstName: "Bench", lastName: idempotencyKey ?? "plain" }] }),
      });
      if (r.status !== 201) throw new Error(`REST create answered ${r.status}`);
      await r.arrayBuffer();
      return performance.now() - start;
    };
    let plain = 0;
    let keyed = 0;
    for (let i = 0; i < rounds; i++) {
      plain += await create();
      keyed += await create(`bench-${i}`);
    }
    const replayStart = performance.now();
    for (let i = 0; i < rounds; i++) {
      const r = await fetch(`${http.url}/api/v1/contacts`, {
        method: "POST",
        headers: { ...headers, "idempotency-key": `bench-${i}` },
        body: JSON.stringify({ contacts: [{ firstName: "Bench", lastName: `bench-${i}` }] }),
      });
      if (r.headers.get("idempotent-replayed") !== "true") throw new Error("a repeat was not replayed");
      await r.arrayBuffer();
    }
    const replaySeconds = (performance.now() - replayStart) / 1000;
    const restP50 = percentile(restTimes, 50);
    const mcpP50 = percentile(mcpTimes, 50);
    return {
      rest_filter_contacts_p50_ms: restP50,
      rest_filter_contacts_p99_ms: percentile(restTimes, 99),
      mcp_http_filter_contacts_p50_ms: mcpP50,
      rest_vs_mcp_http_filter_p50_ratio: restP50 / mcpP50,
      rest_creates_per_s: rounds / (plain / 1000),
      rest_idempotent_creates_per_s: rounds / (keyed / 1000),
      rest_idempotent_vs_plain_create_ratio: keyed / plain,
      rest_idempotent_replays_per_s: rounds / replaySeconds,
    };
  } finally {
    await http.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
