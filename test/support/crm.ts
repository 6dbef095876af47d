import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CrmService } from "../../src/crm/service.js";
import type { Actor } from "../../src/events/recorder.js";
import { openStore, type Store } from "../../src/store/index.js";
import { TenantService } from "../../src/tenants/service.js";
import { WebhookService } from "../../src/webhooks/records.js";
import { ENGINE, freshDatabase } from "./engine.js";

export interface World {
  store: Store;
  crm: CrmService;
  tenants: TenantService;
  webhooks: WebhookService;
  actor: Actor;
  dir: string | null;
  /** The PostgreSQL database's URL, on that engine. */
  url?: string;
  close(): Promise<void>;
}

/**
 * A migrated store with one company and its owner, on the engine under test: on SQLite a
 * temp file or `:memory:`, on PostgreSQL a new database either way.
 */
export async function openWorld(kind: "file" | "memory" = "file"): Promise<World> {
  const dir = kind === "file" || ENGINE === "postgres" ? mkdtempSync(join(tmpdir(), "crm-test-")) : null;
  const db = dir ? await freshDatabase(dir) : null;
  const store = await openStore(db ? db.target : { dbPath: ":memory:" });
  const tenants = new TenantService(store);
  const actor = await tenants.localOwner();
  return {
    store,
    crm: new CrmService(store),
    tenants,
    webhooks: new WebhookService(store, { allowPrivate: true }),
    actor,
    dir,
    url: db?.url,
    async close() {
      await store.close();
      await db?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The events written for a company, parsed. */
export async function eventsOf(world: World, actor = world.actor) {
  const rows = await world.store.read((tx) => tx.webhooks.events(actor.companyId));
  return rows.map(
    (r) =>
      JSON.parse(r.body) as {
        event: string;
        data: { entityId: string; userId: string; companyId: string; payload: Record<string, unknown> };
        timestamp: string;
      },
  );
}
