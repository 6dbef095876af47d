import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type App, openApp } from "../../src/app.js";
import type { Config } from "../../src/config.js";
import type { Actor } from "../../src/events/recorder.js";
import { createLogger } from "../../src/telemetry/log.js";
import { freshDatabase } from "../support/engine.js";

export interface FaceApp {
  app: App;
  owner: Actor;
  /** The app's JSON log lines, when it was opened with a logger. */
  lines: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * A real app on the engine under test, with settings the HTTP face reads from the
 * configuration (`oauth`, `publicUrl`) and, when `logged`, a debug logger whose lines are kept.
 */
export async function openFaceApp(
  config: Pick<Config, "oauth" | "publicUrl"> = {},
  options: { logged?: boolean } = {},
): Promise<FaceApp> {
  const dir = mkdtempSync(join(tmpdir(), "crm-face-"));
  const db = await freshDatabase(dir);
  const lines: Record<string, unknown>[] = [];
  const logger = options.logged
    ? createLogger("debug", {
        write(line: string) {
          lines.push(JSON.parse(line));
          return true;
        },
      })
    : undefined;
  const app = await openApp(
    {
      dbPath: join(dir, "crm.db"),
      ...("databaseUrl" in db.target ? db.target : {}),
      apiKey: undefined,
      allowPrivate: true,
      timeoutMs: 3000,
      ...config,
    },
    { logger, dispatch: false },
  );
  const owner = await app.tenants.localOwner();
  return {
    app,
    owner,
    lines,
    async close() {
      await app.close().catch(() => undefined);
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
