import { homedir } from "node:os";
import { join } from "node:path";
import { LOG_LEVELS, type LogLevel } from "./telemetry/log.js";

/** Settings from the environment, read once at start. */
export interface Config {
  dbPath: string;
  apiKey: string | undefined;
  allowPrivate: boolean;
  timeoutMs: number;
  /** CRM_LOG_LEVEL; info when not set. */
  logLevel?: LogLevel;
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
  const level = (env.CRM_LOG_LEVEL || "info").toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw new ConfigError(
      `CRM_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${env.CRM_LOG_LEVEL?.slice(0, 40)}"`,
    );
  return {
    dbPath: env.CRM_DB || defaultDbPath(env),
    apiKey: env.CRM_API_KEY || undefined,
    allowPrivate: ["1", "true", "yes"].includes((env.CRM_WEBHOOK_ALLOW_PRIVATE ?? "").toLowerCase()),
    timeoutMs,
    logLevel: level as LogLevel,
  };
}
