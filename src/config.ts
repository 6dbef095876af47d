import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { LOG_LEVELS, type LogLevel } from "./telemetry/log.js";
import { parseDuration, parseSchedule } from "./webhooks/retry-policy.js";

/** Settings from the environment, read once at start. */
export interface Config {
  dbPath: string;
  /** `postgres://...`: PostgreSQL instead of the SQLite file at `dbPath`. */
  databaseUrl?: string;
  /** Connections to PostgreSQL at most, per process. */
  poolSize?: number;
  apiKey: string | undefined;
  allowPrivate: boolean;
  timeoutMs: number;
  /** Extra certificate authorities (PEM) trusted for webhook receivers, besides the system's. */
  webhookCa?: string;
  /** Delays between automatic attempts for webhooks with the `standard` retry policy. */
  retrySchedule?: number[];
  /** A webhook whose every delivery has failed for this long is disabled. */
  autoDisableAfterMs?: number;
  /** CRM_LOG_LEVEL; info when not set. */
  logLevel?: LogLevel;
  /** Where people reach the web UI (`CRM_PUBLIC_URL`), without a trailing slash: records in tool results link to it. */
  publicUrl?: string;
  /** `CRM_OAUTH`: serve OAuth 2.1 for remote MCP clients; on unless set to 0. */
  oauth?: boolean;
}

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_DATA_HOME ||
    (process.platform === "darwin"
      ? join(homedir(), "Library", "Application Support")
      : process.platform === "win32"
        ? env.APPDATA || join(homedir(), "AppData", "Roaming")
        : join(homedir(), ".local", "share"));
  return join(base, "crm-mcp", "crm.db");
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const timeout = env.CRM_WEBHOOK_TIMEOUT_MS;
  const timeoutMs = timeout === undefined || timeout === "" ? 5000 : Number(timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120_000) {
    throw new ConfigError(
      `CRM_WEBHOOK_TIMEOUT_MS must be a whole number of milliseconds from 100 to 120000, got "${timeout}"`,
    );
  }
  const pool = env.CRM_DB_POOL_SIZE;
  const poolSize = pool === undefined || pool === "" ? 10 : Number(pool);
  if (!Number.isInteger(poolSize) || poolSize < 2 || poolSize > 100) {
    throw new ConfigError(`CRM_DB_POOL_SIZE must be a whole number from 2 to 100, got "${pool}"`);
  }
  const level = (env.CRM_LOG_LEVEL || "info").toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw new ConfigError(
      `CRM_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${env.CRM_LOG_LEVEL?.slice(0, 40)}"`,
    );
  return {
    webhookCa: readCaFile(env.CRM_WEBHOOK_CA_FILE),
    retrySchedule: setting(env.CRM_WEBHOOK_RETRY_SCHEDULE, (v) => parseSchedule(v)),
    autoDisableAfterMs: setting(env.CRM_WEBHOOK_AUTO_DISABLE_AFTER, (v) =>
      parseDuration(v, "CRM_WEBHOOK_AUTO_DISABLE_AFTER"),
    ),
    publicUrl: setting(env.CRM_PUBLIC_URL, publicUrl),
    dbPath: env.CRM_DB || defaultDbPath(env),
    databaseUrl: env.CRM_DATABASE_URL || undefined,
    poolSize,
    apiKey: env.CRM_API_KEY || undefined,
    allowPrivate: ["1", "true", "yes"].includes((env.CRM_WEBHOOK_ALLOW_PRIVATE ?? "").toLowerCase()),
    timeoutMs,
    logLevel: level as LogLevel,
    oauth: setting(env.CRM_OAUTH, oauthSetting),
  };
}

function oauthSetting(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  throw new ConfigError(`CRM_OAUTH must be 1 or 0, got "${value.slice(0, 40)}"`);
}

const PUBLIC_URL_MAX = 2048;

/** An http(s) address, maybe with a path (behind a proxy); the record pages hang below it. */
function publicUrl(value: string): string {
  const fix = "set it to the address people open the web UI at, such as https://crm.example.com";
  if (value.length > PUBLIC_URL_MAX) {
    throw new ConfigError(`CRM_PUBLIC_URL is longer than ${PUBLIC_URL_MAX} characters; ${fix}`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`CRM_PUBLIC_URL is not a URL: "${value.slice(0, 40)}"; ${fix}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`CRM_PUBLIC_URL must start with https:// or http://; ${fix}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError(`CRM_PUBLIC_URL must have no user, password, query or fragment; ${fix}`);
  }
  return url.href.replace(/\/+$/, "");
}

/** Receivers with a private CA: their certificates are verified against it, never unverified. */
function readCaFile(path: string | undefined): string | undefined {
  if (!path) return undefined;
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(
      `CRM_WEBHOOK_CA_FILE=${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}); point it at a PEM file of CA certificates`,
    );
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----"))
    throw new ConfigError(
      `CRM_WEBHOOK_CA_FILE=${path} holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`,
    );
  return pem;
}

/** A setting read by `parse`, whose errors become one-line configuration errors. */
function setting<T>(value: string | undefined, parse: (value: string) => T): T | undefined {
  if (value === undefined || value === "") return undefined;
  try {
    return parse(value);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}
