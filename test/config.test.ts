import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, defaultDbPath, readConfig } from "../src/config.js";

describe("readConfig", () => {
  it("defaults: the data directory's database, the local owner, public receivers only, 5 s", () => {
    expect(readConfig({ XDG_DATA_HOME: "/data" })).toMatchObject({
      dbPath: join("/data", "crm-mcp", "crm.db"),
      apiKey: undefined,
      allowPrivate: false,
      timeoutMs: 5000,
    });
    expect(readConfig({ CRM_WEBHOOK_TIMEOUT_MS: "", CRM_API_KEY: "" })).toMatchObject({
      timeoutMs: 5000,
      apiKey: undefined,
    });
  });

  it("reads every variable", () => {
    expect(
      readConfig({
        CRM_DB: "/tmp/x.db",
        CRM_API_KEY: "crm_abc",
        CRM_WEBHOOK_ALLOW_PRIVATE: "1",
        CRM_WEBHOOK_TIMEOUT_MS: "250",
      }),
    ).toMatchObject({ dbPath: "/tmp/x.db", apiKey: "crm_abc", allowPrivate: true, timeoutMs: 250 });
    for (const yes of ["true", "YES", "1"])
      expect(readConfig({ CRM_WEBHOOK_ALLOW_PRIVATE: yes }).allowPrivate).toBe(true);
    for (const no of ["0", "no", "on", ""])
      expect(readConfig({ CRM_WEBHOOK_ALLOW_PRIVATE: no }).allowPrivate).toBe(false);
  });

  it("takes a delivery deadline from 100 ms to 120 s, whole milliseconds", () => {
    expect(readConfig({ CRM_WEBHOOK_TIMEOUT_MS: "100" }).timeoutMs).toBe(100);
    expect(readConfig({ CRM_WEBHOOK_TIMEOUT_MS: "120000" }).timeoutMs).toBe(120_000);
    for (const bad of ["99", "120001", "1.5", "soon", "-5"]) {
      expect(() => readConfig({ CRM_WEBHOOK_TIMEOUT_MS: bad })).toThrow(ConfigError);
      expect(() => readConfig({ CRM_WEBHOOK_TIMEOUT_MS: bad })).toThrow(
        `CRM_WEBHOOK_TIMEOUT_MS must be a whole number of milliseconds from 100 to 120000, got "${bad}"`,
      );
    }
  });
});

describe("defaultDbPath", () => {
  it("follows XDG_DATA_HOME, or the platform's data directory", () => {
    expect(defaultDbPath({ XDG_DATA_HOME: "/xdg" })).toBe(join("/xdg", "crm-mcp", "crm.db"));
    const expected =
      process.platform === "darwin"
        ? join(homedir(), "Library", "Application Support", "crm-mcp", "crm.db")
        : process.platform === "win32"
          ? join(homedir(), "AppData", "Roaming", "crm-mcp", "crm.db")
          : join(homedir(), ".local", "share", "crm-mcp", "crm.db");
    expect(defaultDbPath({})).toBe(expected);
  });
});
