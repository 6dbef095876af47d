import { rmSync } from "node:fs";
import { join } from "node:path";
import { CrmService } from "../src/crm/service.js";
import { openStore, type StoreTarget } from "../src/store/index.js";
import { TenantService } from "../src/tenants/service.js";
import { WebhookService } from "../src/webhooks/records.js";
import { percentile, tempDir } from "./support.js";

/**
 * An entity update with three subscribed webhooks against one with none, on one database,
 * in alternating rounds so that both see the same machine. The ratio is of the total times;
 * the median of the rounds' ratios is reported beside it, as a WAL checkpoint or a GC pause
 * can land on one round.
 */
export async function benchUpdateOutbox(opts: { quick: boolean }, target?: StoreTarget) {
  const dir = tempDir("store");
  const store = await openStore(target ?? { dbPath: join(dir, "crm.db") });
  try {
    const tenants = new TenantService(store);
    const crm = new CrmService(store);
    const webhooks = new WebhookService(store, { allowPrivate: true });
    const plain = await tenants.createCompany("Plain", "P");
    const hooked = await tenants.createCompany("Hooked", "H");
    for (let i = 0; i < 3; i++) {
      await webhooks.create(hooked, { url: `https://hooks.example.com/${i}`, events: ["contact.updated"] });
    }
    const [a] = await crm.create(plain, "contact", [{ firstName: "A", emails: ["a@example.com"] }]);
    const [b] = await crm.create(hooked, "contact", [{ firstName: "B", emails: ["b@example.com"] }]);
    const rounds = opts.quick ? 15 : 40;
    const perRound = 200;
    let k = 0;
    const run = async (actor: typeof plain, id: string) => {
      const start = performance.now();
      for (let i = 0; i < perRound; i++) await crm.update(actor, "contact", [{ id, lastName: `v${k++}` }]);
      return performance.now() - start;
    };
    await run(plain, a!.id);
    await run(hooked, b!.id);
    let plainMs = 0;
    let hookedMs = 0;
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const p = await run(plain, a!.id);
      const h = await run(hooked, b!.id);
      plainMs += p;
      hookedMs += h;
      ratios.push(h / p);
    }
    const n = rounds * perRound;
    return {
      updates_per_s_no_webhooks: Math.round(n / (plainMs / 1000)),
      updates_per_s_three_webhooks: Math.round(n / (hookedMs / 1000)),
      update_with_webhooks_vs_plain_ratio: hookedMs / plainMs,
      update_with_webhooks_vs_plain_ratio_median_round: percentile(ratios, 50),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
