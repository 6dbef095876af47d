import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Client, InMemoryTransport, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { type App, openApp } from "../src/app.js";
import type { Actor } from "../src/events/recorder.js";
import { buildMcpServer } from "../src/mcp/server.js";
import { PACKAGE_ROOT } from "../src/paths.js";
import { cpuMs, firstStartBanner, percentile, tempDir } from "./support.js";

const CLI = join(PACKAGE_ROOT, "dist", "bin", "cli.js");
const ANSWERER = join(PACKAGE_ROOT, "dist-bench", "bench", "answerer.js");
const MEMORY_SERVER = join(
  PACKAGE_ROOT,
  "node_modules",
  "@modelcontextprotocol",
  "server-memory",
  "dist",
  "index.js",
);

/** Spawn to the first tools/list answer, over raw stdio JSON-RPC. */
function coldStart(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ["pipe", "pipe", "ignore"] });
    const rl = createInterface({ input: child.stdout! });
    rl.on("line", (line) => {
      let message: { id?: number };
      try {
        message = JSON.parse(line);
      } catch {
        return;
      }
      if (message.id === 2) {
        const ms = performance.now() - start;
        child.kill("SIGKILL");
        resolve(ms);
      }
    });
    child.once("error", reject);
    const send = (m: unknown) => child.stdin!.write(`${JSON.stringify(m)}\n`);
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "bench", version: "1" },
      },
    });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
  });
}

export async function benchColdStart(opts: { quick: boolean }) {
  const dir = tempDir("stdio");
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    CRM_DB: join(dir, "crm.db"),
    MEMORY_FILE_PATH: join(dir, "memory.jsonl"),
  };
  try {
    await coldStart([CLI], env); // creates and migrates the database once
    const runs = opts.quick ? 5 : 11;
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < runs; i++) {
      ours.push(await coldStart([CLI], env));
      theirs.push(await coldStart([MEMORY_SERVER], env));
    }
    const a = percentile(ours, 50);
    const b = percentile(theirs, 50);
    return {
      stdio_cold_start_ms: a,
      server_memory_cold_start_ms: b,
      stdio_cold_start_vs_server_memory_ratio: a / b,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function client(app: App, actor: Actor): Promise<Client> {
  const [c, s] = InMemoryTransport.createLinkedPair();
  await buildMcpServer(app, actor).connect(s);
  const cl = new Client({ name: "bench", version: "1" });
  await cl.connect(c);
  return cl;
}

const NOTE = [
  "# Meeting notes",
  "",
  "Met **Ada** at the *expo* to talk about the [rollout](https://example.com/rollout) and next steps.",
  "",
  "- Budget approved for `Q3`, pending legal review",
  "- Wants a pilot with ~~two~~ three teams",
  "  - Team A: onboarding",
  "  - Team B: reporting",
  "- [ ] Send the proposal",
  "- [x] Book the follow-up",
  "",
  "> Decision by end of month, after the board meets.",
  "",
  "| Item | Owner |",
  "| --- | --- |",
  "| Contract | Legal |",
  "| Pilot plan | Sales |",
  "",
  "Call back on Tuesday; she prefers mornings and short calls, agenda first.",
].join("\n");

export async function benchGetEntities(opts: { quick: boolean }) {
  const dir = tempDir("get");
  const app = await openApp(
    { dbPath: join(dir, "crm.db"), apiKey: undefined, allowPrivate: true, timeoutMs: 5000 },
    { dispatch: false },
  );
  try {
    const owner = await app.tenants.localOwner();
    const made = await app.crm.create(
      owner,
      "contact",
      Array.from({ length: 25 }, (_, i) => ({ firstName: `Note${i}`, lastName: "Holder", notes: NOTE })),
    );
    const c = await client(app, owner);
    const items = made.map((m) => ({ entity: "contact", id: m.id, include: "withNotes" }));
    const times: number[] = [];
    const runs = opts.quick ? 100 : 300;
    for (let i = 0; i < runs + 20; i++) {
      const start = performance.now();
      const r = await c.callTool({ name: "get_entities", arguments: { items } });
      if (r.isError) throw new Error(JSON.stringify(r.content));
      if (i >= 20) times.push(performance.now() - start);
    }
    await c.close();
    return { get_entities_25_with_notes_p50_ms: percentile(times, 50), note_bytes: Buffer.byteLength(NOTE) };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const FIRST = ["Ada", "Grace", "Alan", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Edsger"];
const LAST = [
  "Miller",
  "Schmidt",
  "Novak",
  "Rossi",
  "Garcia",
  "Tanaka",
  "Okafor",
  "Larsen",
  "Kowalski",
  "Dubois",
];

/** Contacts named from FIRST and LAST, each with an email of its own, 100 per call. */
async function seedContacts(app: App, owner: Actor, total: number): Promise<void> {
  for (let i = 0; i < total; i += 100) {
    await app.crm.create(
      owner,
      "contact",
      Array.from({ length: 100 }, (_, j) => {
        const k = i + j;
        return {
          firstName: FIRST[k % FIRST.length],
          lastName: `${LAST[Math.floor(k / 10) % LAST.length]}${k}`,
          emails: [`person${k}@example.com`],
        };
      }),
    );
  }
}

/** Single words, a full name in either order, an accent the records lack, and no match. */
const SEARCH_TERMS = [
  "miller",
  "ada",
  "tanaka12",
  "person4242@",
  "kowal",
  "dubois9",
  "grace",
  "rossi77",
  "xyz-none",
  "okafor1",
  "ada miller",
  "okafor1 grace",
  "kowalskí",
];

/** filter_entity with each term in turn: 200 timed calls after 20 to warm up. */
async function searchTimes(c: Client): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 220; i++) {
    const start = performance.now();
    const r = await c.callTool({
      name: "filter_entity",
      arguments: { entity: "contact", searchTerm: SEARCH_TERMS[i % SEARCH_TERMS.length] },
    });
    if (r.isError) throw new Error(JSON.stringify(r.content));
    if (i >= 20) times.push(performance.now() - start);
  }
  return times;
}

/** The same search over the same contacts on PostgreSQL. */
export async function benchSearchOn(opts: { quick: boolean }, databaseUrl: string) {
  const total = opts.quick ? 10_000 : 100_000;
  const app = await openApp(
    { dbPath: "", databaseUrl, poolSize: 4, apiKey: undefined, allowPrivate: true, timeoutMs: 5000 },
    { dispatch: false },
  );
  try {
    const owner = await app.tenants.localOwner();
    const seedStart = performance.now();
    await seedContacts(app, owner, total);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const c = await client(app, owner);
    const times = await searchTimes(c);
    await c.close();
    return {
      pg_seed_contacts_per_s: Math.round(total / seedSeconds),
      pg_filter_contacts_search_p50_ms: percentile(times, 50),
      pg_filter_contacts_search_p99_ms: percentile(times, 99),
    };
  } finally {
    await app.close();
  }
}

/** Search over many contacts, and the resident memory of a server holding them. */
export async function benchSearchAndMemory(opts: { quick: boolean }) {
  const total = opts.quick ? 10_000 : 100_000;
  const dir = tempDir("search");
  const dbPath = join(dir, "crm.db");
  const app = await openApp(
    { dbPath, apiKey: undefined, allowPrivate: true, timeoutMs: 5000 },
    { dispatch: false },
  );
  let server: ChildProcess | null = null;
  try {
    const owner = await app.tenants.localOwner();
    const seedStart = performance.now();
    await seedContacts(app, owner, total);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const c = await client(app, owner);
    const times = await searchTimes(c);
    await c.close();
    await app.close();

    // A real server process on that database, after a search has run in it.
    server = spawn(process.execPath, [CLI, "serve", "--port", "0"], {
      env: { PATH: process.env.PATH, HOME: dir, CRM_DB: dbPath },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const { url, key } = await firstStartBanner(server!);
    const http = new Client({ name: "bench", version: "1" });
    await http.connect(
      new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${key}` } },
      }),
    );
    for (const term of SEARCH_TERMS)
      await http.callTool({ name: "filter_entity", arguments: { entity: "contact", searchTerm: term } });
    await http.callTool({ name: "filter_entity", arguments: { entity: "contact", limit: 100 } });
    await http.close();
    const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return {
      contacts: total,
      seed_contacts_per_s: Math.round(total / seedSeconds),
      filter_contacts_search_p50_ms: percentile(times, 50),
      filter_contacts_search_p99_ms: percentile(times, 99),
      [opts.quick ? "rss_mb_10k_contacts" : "rss_mb_100k_contacts"]: rssKb / 1024,
    };
  } finally {
    server?.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts `crm-mcp serve` on a database; resolves with its URL and the first-start API key. */
async function startServe(
  dbPath: string,
  home: string,
): Promise<{ child: ChildProcess; url: string; key: string }> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0"], {
    env: { PATH: process.env.PATH, HOME: home, CRM_DB: dbPath },
    // Its log (one line per request at the default level) is written, as a user runs it, and dropped.
    stdio: ["ignore", "pipe", "ignore"],
  });
  const { url, key } = await firstStartBanner(child);
  return { child, url, key };
}

/**
 * The same `get_entities` call (five contacts) as a client sees it over Streamable HTTP and
 * over stdio, both served by the built CLI on one database. Rounds alternate the two
 * transports so that a busy moment on the machine falls on both; p50 of all calls each.
 */
export async function benchHttpVsStdio(opts: { quick: boolean }) {
  const dir = tempDir("transports");
  const dbPath = join(dir, "crm.db");
  const app = await openApp(
    { dbPath, apiKey: undefined, allowPrivate: true, timeoutMs: 5000 },
    { dispatch: false },
  );
  let serve: ChildProcess | null = null;
  const clients: Client[] = [];
  const children: ChildProcess[] = [];
  try {
    const owner = await app.tenants.localOwner();
    const made = await app.crm.create(
      owner,
      "contact",
      Array.from({ length: 5 }, (_, i) => ({
        firstName: `Call${i}`,
        lastName: "Measure",
        emails: [`call${i}@example.com`],
      })),
    );
    await app.close();
    const items = made.map((m) => ({ entity: "contact", id: m.id }));
    const started = await startServe(dbPath, dir);
    serve = started.child;
    const http = new Client({ name: "bench", version: "1" });
    clients.push(http);
    await http.connect(
      new StreamableHTTPClientTransport(new URL(`${started.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${started.key}` } },
      }),
    );
    const stdio = new Client({ name: "bench", version: "1" });
    clients.push(stdio);
    const stdioTransport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI],
      env: { PATH: process.env.PATH ?? "", HOME: dir, CRM_DB: dbPath },
      stderr: "ignore",
    });
    await stdio.connect(stdioTransport);
    const call = async (c: Client) => {
      const start = performance.now();
      const r = await c.callTool({ name: "get_entities", arguments: { items } });
      const ms = performance.now() - start;
      if (r.isError) throw new Error(JSON.stringify(r.content));
      return ms;
    };
    // The same JSON-RPC call as one bare `fetch` POST, without the SDK client: what the
    // server and the HTTP round trip cost, apart from the client library's own work.
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "get_entities", arguments: { items } },
    });
    const headers = {
      authorization: `Bearer ${started.key}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": http.getNegotiatedProtocolVersion() ?? "2025-11-25",
    };
    const bare = async () => {
      const start = performance.now();
      const r = await fetch(`${started.url}/mcp`, { method: "POST", headers, body });
      const answer = (await r.json()) as { result?: { isError?: boolean } };
      const ms = performance.now() - start;
      if (!answer.result || answer.result.isError) throw new Error(JSON.stringify(answer));
      return ms;
    };
    // The least any server could cost: the same client pinging a process that answers at
    // once, over each transport. Their difference is the client's and the transports' own
    // price, which no server can take back.
    const answererHttp = spawn(process.execPath, [ANSWERER, "http"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(answererHttp);
    const port = await new Promise<string>((resolve, reject) => {
      createInterface({ input: answererHttp.stdout! }).once("line", (line) => resolve(line.slice(5)));
      answererHttp.once("exit", (code) => reject(new Error(`the answerer exited with ${code}`)));
    });
    const floorHttp = new Client({ name: "bench", version: "1" });
    clients.push(floorHttp);
    await floorHttp.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
    const floorStdio = new Client({ name: "bench", version: "1" });
    clients.push(floorStdio);
    await floorStdio.connect(
      new StdioClientTransport({ command: process.execPath, args: [ANSWERER, "stdio"], stderr: "inherit" }),
    );
    const timed = async (work: () => Promise<unknown>) => {
      const start = performance.now();
      await work();
      return performance.now() - start;
    };
    // Each kind of call, in the order of a round; a round runs 50 of each.
    const kinds = {
      http: () => call(http),
      stdio: () => call(stdio),
      fetch: bare,
      httpPing: () => timed(() => http.ping()),
      stdioPing: () => timed(() => stdio.ping()),
      floorHttp: () => timed(() => floorHttp.ping()),
      floorStdio: () => timed(() => floorStdio.ping()),
    };
    // Timed once both servers and this client have run for a while: a server answers calls
    // for hours, and its first few hundred include compiling the code each path runs.
    const warm = opts.quick ? 200 : 1000;
    for (let i = 0; i < warm; i++) for (const run of Object.values(kinds)) await run();
    const times = Object.fromEntries(Object.keys(kinds).map((k) => [k, [] as number[]])) as Record<
      keyof typeof kinds,
      number[]
    >;
    // CPU time of each server process, which a loaded machine does not inflate as it does
    // the clock: the part of the gap that is the server's own work. The client's CPU (this
    // process) per call is the part that no server can remove.
    const cpu = { http: 0, stdio: 0 };
    const client = { http: 0, stdio: 0 };
    const ownCpuMs = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const rounds = opts.quick ? 5 : 10;
    for (let round = 0; round < rounds; round++) {
      for (const [kind, run] of Object.entries(kinds) as [keyof typeof kinds, () => Promise<number>][]) {
        const pid = kind === "http" ? serve.pid! : kind === "stdio" ? stdioTransport.pid! : null;
        const before = pid === null ? 0 : cpuMs(pid);
        const own = ownCpuMs();
        for (let i = 0; i < 50; i++) times[kind].push(await run());
        if (kind === "http" || kind === "stdio") {
          cpu[kind] += cpuMs(pid!) - before;
          client[kind] += ownCpuMs() - own;
        }
      }
    }
    const p50 = (kind: keyof typeof kinds) => percentile(times[kind], 50);
    const h = p50("http");
    const s = p50("stdio");
    const f = p50("fetch");
    return {
      http_get_entities_p50_ms: h,
      stdio_get_entities_p50_ms: s,
      http_vs_stdio_call_ratio: h / s,
      http_fetch_get_entities_p50_ms: f,
      http_fetch_vs_stdio_call_ratio: f / s,
      http_ping_p50_ms: p50("httpPing"),
      stdio_ping_p50_ms: p50("stdioPing"),
      answerer_http_ping_p50_ms: p50("floorHttp"),
      answerer_stdio_ping_p50_ms: p50("floorStdio"),
      http_vs_stdio_lowest_ratio: (s + p50("floorHttp") - p50("floorStdio")) / s,
      http_server_cpu_ms_per_call: cpu.http / times.http.length,
      stdio_server_cpu_ms_per_call: cpu.stdio / times.stdio.length,
      http_client_cpu_ms_per_call: client.http / times.http.length,
      stdio_client_cpu_ms_per_call: client.stdio / times.stdio.length,
    };
  } finally {
    for (const c of clients) await c.close().catch(() => undefined);
    for (const c of children) c.kill("SIGTERM");
    serve?.kill("SIGTERM");
    if (serve && serve.exitCode === null) await new Promise((r) => serve!.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}
