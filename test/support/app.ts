import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, InMemoryTransport } from "@modelcontextprotocol/client";
import { type App, openApp } from "../../src/app.js";
import type { Actor } from "../../src/events/recorder.js";
import type { ToolSelection } from "../../src/mcp/registry.js";
import { buildMcpServer } from "../../src/mcp/server.js";
import { freshDatabase } from "./engine.js";

export interface TestApp {
  app: App;
  dir: string;
  dbPath: string;
  /** The variables that point a spawned `crm-mcp` at this app's database, on its engine. */
  dbEnv: Record<string, string>;
  owner: Actor;
  close(): Promise<void>;
}

/**
 * A real app over a database of its own on the engine under test (a temp file, or a new
 * PostgreSQL database); webhooks may target 127.0.0.1 and trust `ca`.
 */
export async function openTestApp(
  options: { ca?: string; timeoutMs?: number; dispatch?: boolean } = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), "crm-app-"));
  const dbPath = join(dir, "crm.db");
  const db = await freshDatabase(dir);
  const app = await openApp(
    {
      dbPath,
      ...("databaseUrl" in db.target ? db.target : {}),
      apiKey: undefined,
      allowPrivate: true,
      timeoutMs: options.timeoutMs ?? 3000,
    },
    { ca: options.ca, dispatch: options.dispatch },
  );
  const owner = await app.tenants.localOwner();
  return {
    app,
    dir,
    dbPath,
    dbEnv: db.env,
    owner,
    async close() {
      await app.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A real MCP client joined to a server instance by the in-memory transport. */
export async function connect(app: App, actor: Actor, selection: ToolSelection = {}): Promise<Client> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const server = buildMcpServer(app, actor, selection);
  await server.connect(serverTransport);
  const client = new Client({ name: "crm-test", version: "1.0.0" });
  await client.connect(clientTransport);
  return client;
}

export interface CallResult {
  isError: boolean;
  text: string;
  data: Record<string, unknown>;
}

export async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<CallResult> {
  const r = (await client.callTool({ name, arguments: args })) as {
    isError?: boolean;
    content: { type: string; text: string }[];
    structuredContent?: Record<string, unknown>;
  };
  const text = r.content.map((c) => c.text).join("");
  return { isError: Boolean(r.isError), text, data: (r.structuredContent ?? {}) as Record<string, unknown> };
}

/** Calls a tool that must succeed, and returns its structured result. */
export async function ok(client: Client, name: string, args: Record<string, unknown> = {}) {
  const r = await call(client, name, args);
  if (r.isError) throw new Error(`${name} failed: ${r.text}`);
  // biome-ignore lint/suspicious/noExplicitAny: tests read results freely
  return r.data as any;
}
