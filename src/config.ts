import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Settings from the environment, read once at start. */
export interface Config {
  dbPath: string;
  apiKey: string | undefined;
  allowPrivate: boolean;
  timeoutMs: number;
  /** Extra certificate authorities (PEM) trusted for webhook receivers, besides the system's. */
  webhookCa?: string;
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
  return {
    webhookCa: readCaFile(env.CRM_WEBHOOK_CA_FILE),
    dbPath: env.CRM_DB || defaultDbPath(env),
    apiKey: env.CRM_API_KEY || undefined,
    allowPrivate: ["1", "true", "yes"].includes((env.CRM_WEBHOOK_ALLOW_PRIVATE ?? "").toLowerCase()),
    timeoutMs,
  };
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
