#!/usr/bin/env node
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { type App, openApp, storeTarget } from "./app.js";
import { ConfigError, readConfig } from "./config.js";
import type { Actor } from "./events/recorder.js";
import { TOOLSETS, type ToolSelection, type Toolset } from "./mcp/registry.js";
import { buildMcpServer } from "./mcp/server.js";
import { openStore, StoreOpenError } from "./store/index.js";
import { TenantService } from "./tenants/service.js";
import { VERSION } from "./version.js";

const HELP = `crm-mcp ${VERSION}: an open CRM that AI agents drive through MCP

Usage:
  crm-mcp [--toolsets crm,webhooks,admin] [--read-only]
      MCP over stdio (Claude Desktop). Logs go to stderr.
  crm-mcp serve [--host 127.0.0.1] [--port 3000] [--toolsets ...] [--read-only]
      HTTP: Streamable HTTP MCP at /mcp, legacy SSE at /sse + /messages, web UI at /, /healthz.
  crm-mcp keys create --name NAME
      Print a new API key for the local owner (shown once), and nothing else.
  crm-mcp migrate
      Apply database migrations and exit.
  crm-mcp copy --to postgres://user@host:5432/db
      Copy everything in the SQLite file (CRM_DB) into an empty PostgreSQL database.
  crm-mcp --help | --version

Environment:
  CRM_DB                     SQLite database file (default: a file in your data directory)
  CRM_DATABASE_URL           postgres://user@host:5432/db: PostgreSQL instead of SQLite (or --database-url)
  CRM_DB_POOL_SIZE           PostgreSQL connections per process (default 10)
  CRM_API_KEY                stdio: act as this key's user (default: the local owner)
  CRM_WEBHOOK_ALLOW_PRIVATE  1 allows webhook URLs on private addresses (https is still required)
  CRM_WEBHOOK_TIMEOUT_MS     delivery deadline in milliseconds (default 5000)
  CRM_WEBHOOK_CA_FILE        PEM file of extra CAs trusted for webhook receivers (TLS is still verified)
  CRM_WEBHOOK_RETRY_SCHEDULE delays of the standard retry policy (default 5s,5m,30m,2h,5h,10h,10h)
  CRM_WEBHOOK_AUTO_DISABLE_AFTER  disable a webhook whose deliveries all failed this long (default 5d)
`;

const log = (message: string) => process.stderr.write(`${message}\n`);

class UsageError extends Error {}

function selectionOf(values: { toolsets?: string; "read-only"?: boolean }): ToolSelection {
  const selection: ToolSelection = { readOnly: Boolean(values["read-only"]) };
  if (values.toolsets !== undefined) {
    const sets = values.toolsets
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = sets.find((s) => !(TOOLSETS as readonly string[]).includes(s));
    if (bad || sets.length === 0)
      throw new UsageError(
        `--toolsets: "${bad ?? ""}" is not a toolset; use a comma list of ${TOOLSETS.join(", ")}`,
      );
    selection.toolsets = sets as Toolset[];
  }
  return selection;
}

async function actorFor(app: App): Promise<Actor> {
  if (!app.config.apiKey) return app.tenants.localOwner();
  const actor = await app.tenants.authenticate(app.config.apiKey);
  if (!actor)
    throw new ConfigError(
      "CRM_API_KEY is not a key of this database; make one with `crm-mcp keys create --name NAME`",
    );
  return actor;
}

function onShutdown(stop: () => Promise<void>) {
  let stopping = false;
  const run = () => {
    if (stopping) return;
    stopping = true;
    stop()
      .catch((e) => log(`shutdown: ${(e as Error).message}`))
      .finally(() => process.exit(0));
  };
  process.on("SIGTERM", run);
  process.on("SIGINT", run);
  return run;
}

async function runStdio(selection: ToolSelection) {
  // stdout carries protocol messages only; a dependency's console.log must not corrupt it.
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  const app = await openApp(readConfig(), { log });
  const actor = await actorFor(app);
  const handle = serveStdio(() => buildMcpServer(app, actor, selection, log), {
    onerror: (e) => log(`mcp: ${e.message}`),
  });
  const stop = onShutdown(async () => {
    await handle.close().catch(() => undefined);
    await app.close();
  });
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
}

async function runServe(values: { host?: string; port?: string }, selection: ToolSelection) {
  const host = values.host ?? "127.0.0.1";
  const port = Number(values.port ?? "3000");
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port: "${values.port}" is not a port number (0 to 65535)`);
  const app = await openApp(readConfig(), { log });
  const owner = await app.tenants.localOwner();
  const { startHttpServer } = await import("./http/server.js");
  const http = await startHttpServer(app, { host, port, selection, log }).catch(async (error) => {
    await app.close();
    throw new ConfigError(
      `cannot listen on ${host}:${port}: ${(error as Error).message}; choose another with --port (0 picks a free one)`,
    );
  });
  process.stdout.write(
    `crm-mcp ${VERSION} listening on ${http.url}\n  MCP (Streamable HTTP): ${http.url}/mcp\n  MCP (legacy SSE):      ${http.url}/sse\n  Web UI:                ${http.url}/\n  Database:              ${app.store.location}\n`,
  );
  if (!(await app.tenants.hasApiKeys(owner))) {
    const { key } = await app.tenants.createApiKey(owner, "first start");
    process.stdout.write(`\nAPI key for the local owner (shown once, keep it):\n  ${key}\n`);
  } else {
    process.stdout.write(
      "\nSign in with an API key; make a new one with `crm-mcp keys create --name NAME` (same CRM_DB).\n",
    );
  }
  onShutdown(async () => {
    await http.close();
    await app.close();
  });
}

async function runKeys(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    options: { name: { type: "string" } },
    allowPositionals: true,
  });
  if (positionals[0] !== "create") throw new UsageError("usage: crm-mcp keys create --name NAME");
  if (!values.name) throw new UsageError("keys create: --name is required, e.g. --name laptop");
  const store = await openStore(storeTarget(readConfig()));
  try {
    const tenants = new TenantService(store);
    const { key } = await tenants.createApiKey(await tenants.localOwner(), values.name);
    process.stdout.write(`${key}\n`);
  } finally {
    await store.close();
  }
}

/**
 * `--database-url URL` may come anywhere on the line, for every command; it stands for
 * CRM_DATABASE_URL, so the configuration is read in one place.
 */
function takeDatabaseUrl(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--database-url") {
      const url = argv[++i];
      if (!url)
        throw new UsageError(
          "--database-url needs a value, e.g. --database-url postgres://user@host:5432/crm",
        );
      process.env.CRM_DATABASE_URL = url;
    } else if (a.startsWith("--database-url="))
      process.env.CRM_DATABASE_URL = a.slice("--database-url=".length);
    else out.push(a);
  }
  return out;
}

async function runCopy(args: string[]) {
  const { values } = parseArgs({ args, options: { to: { type: "string" } }, allowPositionals: false });
  if (!values.to)
    throw new UsageError("copy: --to is required, e.g. copy --to postgres://user@host:5432/crm");
  const from = readConfig().dbPath;
  if (!existsSync(from))
    throw new UsageError(`copy: there is no SQLite database at ${from}; set CRM_DB to the file to copy`);
  const { copySqliteToPostgres } = await import("./store/copy.js");
  const counts = await copySqliteToPostgres({ dbPath: from }, { databaseUrl: values.to });
  const summary = Object.entries(counts)
    .map(([table, n]) => `${n} ${table}`)
    .join(", ");
  log(`Copied ${from} into ${redactUrl(values.to)}: ${summary}`);
}

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

async function main(args: string[]) {
  const argv = takeDatabaseUrl(args);
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h" || command === "help") return void process.stdout.write(HELP);
  if (command === "--version" || command === "-v") return void process.stdout.write(`${VERSION}\n`);
  if (command === "keys") return runKeys(rest);
  if (command === "copy") return runCopy(rest);
  if (command === "migrate") {
    const config = readConfig();
    const store = await openStore(storeTarget(config));
    const location = store.location;
    await store.close();
    log(`Migrated ${location}`);
    return;
  }
  const options = {
    host: { type: "string" },
    port: { type: "string" },
    toolsets: { type: "string" },
    "read-only": { type: "boolean" },
  } as const;
  if (command === "serve") {
    const { values } = parseArgs({ args: rest, options, allowPositionals: false });
    return runServe(values, selectionOf(values));
  }
  if (command !== undefined && !command.startsWith("--"))
    throw new UsageError(`unknown command "${command}"; see crm-mcp --help`);
  const { values } = parseArgs({
    args: argv,
    options: { toolsets: options.toolsets, "read-only": options["read-only"] },
  });
  return runStdio(selectionOf(values));
}

/** Errors of the file system or SQLite that mean the database path is unusable. */
const DATABASE_PATH_CODES = new Set([
  "SQLITE_CANTOPEN",
  "EEXIST",
  "ENOENT",
  "SQLITE_READONLY",
  "SQLITE_NOTADB",
  "EACCES",
  "EROFS",
  "ENOTDIR",
  "EISDIR",
  "EPERM",
]);

main(process.argv.slice(2)).catch((error) => {
  const code = (error as { code?: string }).code ?? "";
  if (DATABASE_PATH_CODES.has(code)) {
    let path = "";
    try {
      path = readConfig().dbPath;
    } catch {}
    log(
      `crm-mcp: cannot open the database at ${path}: ${(error as Error).message}. Set CRM_DB to a writable file path.`,
    );
    process.exit(2);
  }
  const parseError = code.startsWith("ERR_PARSE_ARGS");
  const known =
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof StoreOpenError ||
    parseError;
  const message = parseError ? `${(error as Error).message}; see crm-mcp --help` : (error as Error).message;
  log(known ? `crm-mcp: ${message}` : `crm-mcp: ${(error as Error).stack ?? error}`);
  process.exit(known ? 2 : 1);
});
