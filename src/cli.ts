#!/usr/bin/env node
import { existsSync, readFileSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { type App, openApp, storeTarget } from "./app.js";
import { ConfigError, readConfig } from "./config.js";
import { ConflictError, NotFoundError, ValidationError } from "./domain/errors.js";
import { ENTITIES, ENTITY_TYPES, type EntityType } from "./domain/model.js";
import type { Actor } from "./events/recorder.js";
import { TOOLSETS, type ToolSelection, type Toolset } from "./mcp/registry.js";
import { buildMcpServer } from "./mcp/server.js";
import { openStore, StoreOpenError } from "./store/index.js";
import { createLogger, errorLog, type Logger } from "./telemetry/log.js";
import { TenantService } from "./tenants/service.js";
import { VERSION } from "./version.js";

const HELP = `crm-mcp ${VERSION}: an open CRM that AI agents drive through MCP

Usage:
  crm-mcp [--toolsets crm,webhooks,admin] [--read-only]
      MCP over stdio (Claude Desktop). Logs go to stderr.
  crm-mcp serve [--host 127.0.0.1] [--port 3000] [--metrics-port PORT [--metrics-host 127.0.0.1]]
                [--toolsets ...] [--read-only]
      HTTP: Streamable HTTP MCP at /mcp, legacy SSE at /sse + /messages, the REST API at /api/v1,
      web UI at /, /healthz, /readyz; Prometheus metrics at /metrics on the metrics port only.
  crm-mcp companies create --name NAME [--owner-name NAME] [--owner-email EMAIL]
      Make a company and its owner; print their ids (co_... usr_...).
  crm-mcp companies list
  crm-mcp users create --company co_... --name NAME [--email EMAIL] [--role member|owner]
      Add a user to a company; print its id.
  crm-mcp users list --company co_...
  crm-mcp keys create --name NAME [--user usr_...]
      Print a new API key (shown once), and nothing else: for the user, or the local owner.
  crm-mcp keys list [--company co_...] [--user usr_...]
      Keys without their secrets: id, name, first characters, user, company.
  crm-mcp keys revoke key_...
      Revoke a key at once: the next request made with it is refused.
  crm-mcp import <contacts|organizations|deals|services|tasks> FILE.csv [--dry-run]
                [--create-organizations] [--map "Header=field,Other=-"] [--json]
      Create or update records from a CSV file; one line per created, updated or refused row on
      stdout (--json: the whole report). --dry-run checks everything and writes nothing.
  crm-mcp export <contacts|organizations|deals|services|tasks>
      Every record of the type as CSV on stdout, custom columns under their labels.
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
  CRM_OAUTH                  0 turns OAuth for remote MCP clients off (API keys only)
  CRM_WEBHOOK_ALLOW_PRIVATE  1 allows webhook URLs on private addresses (https is still required)
  CRM_WEBHOOK_TIMEOUT_MS     delivery deadline in milliseconds (default 5000)
  CRM_PUBLIC_URL             where people reach this server (https://crm.example.com): tool results link records there
  CRM_WEBHOOK_CA_FILE        PEM file of extra CAs trusted for webhook receivers (TLS is still verified)
  CRM_WEBHOOK_RETRY_SCHEDULE delays of the standard retry policy (default 5s,5m,30m,2h,5h,10h,10h)
  CRM_WEBHOOK_AUTO_DISABLE_AFTER  disable a webhook whose deliveries all failed this long (default 5d)
  CRM_LOG_LEVEL              fatal, error, warn, info (default), debug, trace or silent; JSON lines on stderr
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

/** The start-up summary: one line that says what runs, where, with what. */
function started(logger: Logger, app: App, fields: Record<string, unknown>, selection: ToolSelection) {
  logger.info(
    {
      version: VERSION,
      node: process.version,
      ...fields,
      database: app.store.location,
      toolsets: selection.toolsets ?? TOOLSETS,
      readOnly: Boolean(selection.readOnly),
      webhookTimeoutMs: app.config.timeoutMs,
      allowPrivateWebhooks: app.config.allowPrivate,
      logLevel: logger.level,
    },
    "started",
  );
}

async function runStdio(selection: ToolSelection) {
  // stdout carries protocol messages only; a dependency's console.log must not corrupt it.
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  const config = readConfig();
  const logger = createLogger(config.logLevel ?? "info");
  const app = await openApp(config, { log: errorLog(logger), logger });
  const actor = await actorFor(app);
  const handle = serveStdio(() => buildMcpServer(app, actor, selection, errorLog(logger)), {
    onerror: (e) => logger.error(`mcp: ${e.message}`),
  });
  started(logger, app, { mode: "stdio", userId: actor.userId, companyId: actor.companyId }, selection);
  const stop = onShutdown(async () => {
    await handle.close().catch(() => undefined);
    await app.close();
  });
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
}

function portOf(flag: string, value: string | undefined, fallback: string): number {
  const port = Number(value ?? fallback);
  if (!/^\d{1,5}$/.test(value ?? fallback) || port > 65535)
    throw new UsageError(`--${flag}: "${clip(value ?? "")}" is not a port number (0 to 65535)`);
  return port;
}

async function runServe(
  values: { host?: string; port?: string; "metrics-host"?: string; "metrics-port"?: string },
  selection: ToolSelection,
) {
  const host = values.host ?? "127.0.0.1";
  const port = portOf("port", values.port, "3000");
  const metricsHost = values["metrics-host"] ?? "127.0.0.1";
  const metricsPort =
    values["metrics-port"] === undefined ? null : portOf("metrics-port", values["metrics-port"], "");
  if (values["metrics-host"] !== undefined && metricsPort === null)
    throw new UsageError("--metrics-host needs --metrics-port, e.g. --metrics-port 9464");
  const config = readConfig();
  const logger = createLogger(config.logLevel ?? "info");
  const app = await openApp(config, { log: errorLog(logger), logger });
  const owner = await app.tenants.localOwner();
  const { startHttpServer, startMetricsServer } = await import("./http/server.js");
  const listen = async <T>(
    flag: string,
    h: string,
    p: number,
    start: () => Promise<T>,
    undo?: () => Promise<void>,
  ) =>
    start().catch(async (error) => {
      await undo?.();
      await app.close();
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(
        `cannot listen on ${h}:${p}: ${(error as Error).message}; choose another with --${flag} (0 picks a free one)`,
      );
    });
  const http = await listen("port", host, port, () =>
    startHttpServer(app, { host, port, selection, log: errorLog(logger), logger }),
  );
  const metrics =
    metricsPort === null
      ? null
      : await listen(
          "metrics-port",
          metricsHost,
          metricsPort,
          () => startMetricsServer(app, { host: metricsHost, port: metricsPort }),
          () => http.close(),
        );
  started(
    logger,
    app,
    { mode: "http", url: http.url, metricsUrl: metrics && `${metrics.url}/metrics` },
    selection,
  );
  process.stdout.write(
    `crm-mcp ${VERSION} listening on ${http.url}\n  MCP (Streamable HTTP): ${http.url}/mcp\n  MCP (legacy SSE):      ${http.url}/sse\n  REST API:              ${http.url}/api/v1 (OpenAPI: /api/v1/openapi.json)\n  Web UI:                ${http.url}/\n  Database:              ${app.store.location}\n${metrics ? `  Metrics:               ${metrics.url}/metrics\n` : ""}`,
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
    await metrics?.close();
    await http.close();
    await app.close();
  });
}

/** Admin commands work on the store alone: no dispatcher, no MCP. */
async function withTenants<T>(work: (tenants: TenantService) => Promise<T>): Promise<T> {
  const store = await openStore(storeTarget(readConfig()));
  try {
    return await work(new TenantService(store));
  } finally {
    await store.close();
  }
}

type Flags = Record<string, { type: "string" | "boolean" }>;

/**
 * Parses one admin command's flags: each string flag at most once, `positionals` values
 * exactly, nothing else. A service's field names map to flags (`ownerName` is
 * `--owner-name`), so its validation errors name what the user typed.
 */
function commandArgs(
  usage: string,
  args: string[],
  options: Flags,
  positionals: string[] = [],
): { values: Record<string, string | undefined>; positionals: string[] } {
  const parsed = parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true });
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== "option") continue;
    // parseArgs keeps the last of a repeated flag; a silent pick is worse than a refusal.
    if (seen.has(token.name)) throw new UsageError(`${usage}: --${token.name} is given twice; give it once`);
    seen.add(token.name);
  }
  if (parsed.positionals.length !== positionals.length) {
    const extra = parsed.positionals[positionals.length];
    throw new UsageError(
      extra === undefined
        ? `${usage}: ${positionals[parsed.positionals.length]} is required`
        : `${usage}: unexpected argument "${clip(extra)}"`,
    );
  }
  return { values: parsed.values as Record<string, string | undefined>, positionals: parsed.positionals };
}

function required(usage: string, values: Record<string, string | undefined>, flag: string, example: string) {
  const value = values[flag];
  if (value === undefined) throw new UsageError(`${usage}: --${flag} is required, e.g. --${flag} ${example}`);
  return value;
}

const clip = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}...` : text);

function table(header: string[], rows: (string | null)[][]): string {
  return [header, ...rows].map((r) => `${r.map((c) => c ?? "-").join("\t")}\n`).join("");
}

const ADMIN_USAGE: Record<string, string> = {
  companies:
    "crm-mcp companies create --name NAME [--owner-name NAME] [--owner-email EMAIL] | companies list",
  users:
    "crm-mcp users create --company co_... --name NAME [--email EMAIL] [--role member|owner] | users list --company co_...",
  keys: "crm-mcp keys create --name NAME [--user usr_...] | keys list [--company co_...] [--user usr_...] | keys revoke key_...",
};

async function runAdmin(group: string, args: string[]) {
  const [action, ...rest] = args;
  if (args.includes("--help") || args.includes("-h"))
    return void process.stdout.write(`usage: ${ADMIN_USAGE[group]}\n`);
  const usage = `${group} ${action ?? ""}`.trim();
  const out = (text: string) => process.stdout.write(text);
  switch (`${group} ${action}`) {
    case "companies create": {
      const { values } = commandArgs(usage, rest, {
        name: { type: "string" },
        "owner-name": { type: "string" },
        "owner-email": { type: "string" },
      });
      const name = required(usage, values, "name", '"Acme Ltd"');
      const { companyId, userId } = await withTenants((t) =>
        t.createCompany(name, values["owner-name"] ?? "Owner", values["owner-email"]),
      );
      return out(`${companyId} ${userId}\n`);
    }
    case "companies list": {
      commandArgs(usage, rest, {});
      const companies = await withTenants((t) => t.companies());
      return out(
        table(
          ["id", "name", "created"],
          companies.map((c) => [c.id, c.name, c.createdAt]),
        ),
      );
    }
    case "users create": {
      const { values } = commandArgs(usage, rest, {
        company: { type: "string" },
        name: { type: "string" },
        email: { type: "string" },
        role: { type: "string" },
      });
      const company = required(usage, values, "company", "co_...");
      const name = required(usage, values, "name", '"Ada Lovelace"');
      const user = await withTenants((t) =>
        t.createUserIn(company, { name, email: values.email, role: values.role as "member" | undefined }),
      );
      return out(`${user.id}\n`);
    }
    case "users list": {
      const { values } = commandArgs(usage, rest, { company: { type: "string" } });
      const company = required(usage, values, "company", "co_...");
      const users = await withTenants((t) => t.usersIn(company));
      return out(
        table(
          ["id", "name", "email", "role", "created"],
          users.map((u) => [u.id, u.name, u.email, u.role, u.createdAt]),
        ),
      );
    }
    case "keys create": {
      const { values } = commandArgs(usage, rest, { name: { type: "string" }, user: { type: "string" } });
      const name = required(usage, values, "name", "laptop");
      const { key } = await withTenants(async (t) =>
        values.user === undefined
          ? t.createApiKey(await t.localOwner(), name)
          : t.createApiKeyForUser(values.user, name),
      );
      return out(`${key}\n`);
    }
    case "keys list": {
      const { values } = commandArgs(usage, rest, { company: { type: "string" }, user: { type: "string" } });
      const keys = await withTenants((t) =>
        t.listApiKeys({ companyId: values.company, userId: values.user }),
      );
      return out(
        table(
          ["id", "name", "starts with", "user", "company", "created", "last used"],
          keys.map((k) => [k.id, k.name, `${k.prefix}...`, k.userId, k.companyId, k.createdAt, k.lastUsedAt]),
        ),
      );
    }
    case "keys revoke": {
      const { positionals } = commandArgs(usage, rest, {}, [
        "the key's id (key_..., from `crm-mcp keys list`)",
      ]);
      const key = await withTenants((t) => t.revokeApiKey(positionals[0]!));
      log(`Revoked ${key.id} (${key.name}) of ${key.userId}`);
      return;
    }
  }
  throw new UsageError(
    action === undefined || action.startsWith("-")
      ? `usage: ${ADMIN_USAGE[group]}`
      : `${group}: unknown command "${clip(action)}"; usage: ${ADMIN_USAGE[group]}`,
  );
}

/** A service's field, as the flag or argument the user typed it. */
const FLAG_OF: Record<string, string> = { id: "key id" };
const flagOf = (field: string) =>
  FLAG_OF[field] ?? `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

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
  const { values } = commandArgs("copy", args, { to: { type: "string" } });
  const to = required("copy", values, "to", "postgres://user@host:5432/crm");
  const from = readConfig().dbPath;
  if (!existsSync(from))
    throw new UsageError(`copy: there is no SQLite database at ${from}; set CRM_DB to the file to copy`);
  const { copySqliteToPostgres } = await import("./store/copy.js");
  const counts = await copySqliteToPostgres({ dbPath: from }, { databaseUrl: to });
  const summary = Object.entries(counts)
    .map(([table, n]) => `${n} ${table}`)
    .join(", ");
  log(`Copied ${from} into ${redactUrl(to)}: ${summary}`);
}

const IMPORT_USAGE =
  'import <contacts|organizations|deals|services|tasks> FILE.csv [--dry-run] [--create-organizations] [--map "Header=field,..."] [--json]';

function entityOf(usage: string, word: string | undefined): EntityType {
  const type = ENTITY_TYPES.find((t) => word === t || word === ENTITIES[t].plural);
  if (!type)
    throw new UsageError(
      `${usage}: "${clip(word ?? "")}" is not a record type; use one of ${ENTITY_TYPES.map((t) => ENTITIES[t].plural).join(", ")}`,
    );
  return type;
}

/** `--map "E-Mail Address=emails,Firma=organization"`, or the same as a JSON object. */
function mappingOf(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  if (text.trim().startsWith("{")) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === "object" && Object.values(parsed).every((v) => typeof v === "string"))
        return parsed as Record<string, string>;
    } catch {}
    throw new UsageError('--map: not a JSON object of header to field, e.g. {"E-Mail":"emails"}');
  }
  const mapping: Record<string, string> = {};
  for (const pair of text.split(",")) {
    const at = pair.lastIndexOf("=");
    if (at <= 0)
      throw new UsageError(`--map: "${clip(pair)}" is not Header=field, e.g. --map "E-Mail=emails"`);
    mapping[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return mapping;
}

/** A bar on a terminal; nothing when stderr is a file or a pipe. */
function progressBar(label: string) {
  if (!process.stderr.isTTY) return undefined;
  let last = -1;
  return (done: number, total: number) => {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    if (pct === last && done !== total) return;
    last = pct;
    const width = 30;
    const full = Math.round((pct / 100) * width);
    process.stderr.write(
      `\r${label} [${"#".repeat(full)}${"-".repeat(width - full)}] ${pct}% ${done}/${total} rows${done === total ? "\n" : ""}`,
    );
  };
}

async function runImport(args: string[]) {
  const { values, positionals } = commandArgs(
    "import",
    args,
    {
      "dry-run": { type: "boolean" },
      "create-organizations": { type: "boolean" },
      map: { type: "string" },
      json: { type: "boolean" },
    },
    ["the record type", "FILE.csv"],
  );
  const type = entityOf(IMPORT_USAGE, positionals[0]);
  const file = positionals[1]!;
  const mapping = mappingOf(values.map);
  const { CSV_LIMITS, decodeUtf8 } = await import("./csv/read.js");
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > CSV_LIMITS.maxBytes)
      throw new UsageError(
        `${file}: is ${size} bytes; the limit is ${CSV_LIMITS.maxBytes}. Split it into smaller files`,
      );
    text = decodeUtf8(readFileSync(file));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof ValidationError)
      throw new UsageError(`${file}: ${error.message.replace(/^file: /, "")}`);
    throw new UsageError(`${file}: cannot read it: ${(error as Error).message}`);
  }
  const { CsvImporter } = await import("./csv/import.js");
  const config = readConfig();
  const app = await openApp(config, { log });
  try {
    const actor = await actorFor(app);
    const report = await new CsvImporter(app.crm)
      .import(actor, type, text, {
        dryRun: Boolean(values["dry-run"]),
        createOrganizations: Boolean(values["create-organizations"]),
        mapping,
        onProgress: progressBar(`${values["dry-run"] ? "checking" : "importing"} ${file}`),
      })
      .catch((error) => {
        if (!(error instanceof ValidationError)) throw error;
        const where =
          error.field === "file" ? file : error.field.startsWith("mapping") ? "--map" : error.field;
        throw new UsageError(`${where}: ${error.message.slice(error.field.length + 2)}`);
      });
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      let out = "";
      for (const row of report.rows) {
        if (row.action === "unchanged") continue;
        const problems = (row.problems ?? []).map((p) =>
          p.column ? `${p.column}: ${p.message}` : p.message,
        );
        const detail = row.action === "refused" ? problems.join("; ") : (row.changed ?? []).join(", ");
        out += `row ${row.row}\t${row.action}\t${row.id ?? "-"}\t${row.name ?? ""}\t${detail}\n`;
      }
      process.stdout.write(out);
    }
    const { counts } = report;
    const skipped = report.columns.filter((c) => c.field === null).map((c) => `"${c.header}"`);
    log(
      `${report.dryRun ? "Dry run of" : "Imported"} ${file}: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.refused} refused${report.organizationsCreated.length ? `; ${report.organizationsCreated.length} organizations created` : ""}${skipped.length ? `; columns skipped: ${skipped.join(", ")}` : ""}${report.dryRun ? " (nothing was written)" : ""}`,
    );
    if (counts.refused) process.exitCode = 1;
  } finally {
    await app.close();
  }
}

async function runExport(args: string[]) {
  const { positionals } = commandArgs("export", args, {}, ["the record type"]);
  const type = entityOf("export <contacts|organizations|deals|services|tasks>", positionals[0]);
  const { exportCsv } = await import("./csv/export.js");
  const app = await openApp(readConfig(), { dispatch: false, log });
  try {
    const actor = await actorFor(app);
    const count = await exportCsv(app.crm, actor, type, (chunk) => {
      if (!process.stdout.write(chunk))
        return new Promise<void>((resolve) => process.stdout.once("drain", () => resolve()));
    });
    log(`Exported ${count} ${ENTITIES[type].plural}`);
  } finally {
    await app.close();
  }
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
  if (command !== undefined && command in ADMIN_USAGE) return runAdmin(command, rest);
  if (command === "copy") return runCopy(rest);
  if (command === "import") return runImport(rest);
  if (command === "export") return runExport(rest);
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
    "metrics-host": { type: "string" },
    "metrics-port": { type: "string" },
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
  let message = (error as Error).message;
  if (parseError) message = `${message}; see crm-mcp --help`;
  if (error instanceof ValidationError)
    message = `${error.field ? `${flagOf(error.field)}: ` : ""}${message.slice(error.field ? error.field.length + 2 : 0)}`;
  const known =
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof StoreOpenError ||
    error instanceof ValidationError ||
    error instanceof ConflictError ||
    error instanceof NotFoundError ||
    parseError;
  // A misuse gets one line, whatever it quoted.
  const line = message.replace(/\s+/g, " ").slice(0, 500);
  log(known ? `crm-mcp: ${line}` : `crm-mcp: ${(error as Error).stack ?? error}`);
  process.exit(known ? 2 : 1);
});
