import type { Config } from "./config.js";
import { CrmService } from "./crm/service.js";
import { HistoryService } from "./events/history.js";
import { openStore, type Store, type StoreTarget } from "./store/index.js";
import type { Logger } from "./telemetry/log.js";
import { Metrics } from "./telemetry/metrics.js";
import { TenantService } from "./tenants/service.js";
import { DeliveryService } from "./webhooks/deliveries.js";
import { Dispatcher } from "./webhooks/dispatcher.js";
import { WebhookService } from "./webhooks/records.js";
import type { Resolver } from "./webhooks/url-policy.js";

/** The services one process runs, over one store. MCP tools and HTTP routes are thin layers over these. */
export interface App {
  config: Config;
  store: Store;
  crm: CrmService;
  history: HistoryService;
  tenants: TenantService;
  webhooks: WebhookService;
  deliveries: DeliveryService;
  dispatcher: Dispatcher;
  metrics: Metrics;
  logger: Logger | undefined;
  close(): Promise<void>;
}

export interface AppOptions {
  /** Start the dispatcher (default true). */
  dispatch?: boolean;
  resolver?: Resolver;
  /** Extra trusted CA for webhook receivers (PEM). */
  ca?: string;
  log?: (message: string) => void;
  /** Structured logs; each delivery outcome is a debug line. */
  logger?: Logger;
}

export async function openApp(config: Config, options: AppOptions = {}): Promise<App> {
  const store = await openStore(storeTarget(config));
  const metrics = new Metrics(store);
  const logger = options.logger;
  // Read once: the send path must not build a log line that no one will see.
  const debug = logger?.isLevelEnabled("debug") ? logger : undefined;
  const dispatcher = new Dispatcher(store, {
    timeoutMs: config.timeoutMs,
    allowPrivate: config.allowPrivate,
    resolver: options.resolver,
    ca: options.ca ?? config.webhookCa,
    retrySchedule: config.retrySchedule,
    autoDisableAfterMs: config.autoDisableAfterMs,
    log: options.log,
    onOutcome: (delivery, result) => {
      metrics.recordDelivery(result);
      debug?.debug(
        {
          delivery: delivery.id,
          webhook: delivery.webhookId,
          event: delivery.event,
          status: result.status,
          statusCode: result.statusCode,
          errorClass: result.errorClass,
          ms: result.durationMs,
        },
        "delivery",
      );
    },
  });
  if (options.dispatch !== false) dispatcher.start();
  const tenants = new TenantService(store);
  return {
    config,
    store,
    crm: new CrmService(store),
    history: new HistoryService(store),
    tenants,
    webhooks: new WebhookService(store, { allowPrivate: config.allowPrivate, resolver: options.resolver }),
    deliveries: new DeliveryService(store),
    dispatcher,
    metrics,
    logger,
    async close() {
      await dispatcher.stop();
      await tenants.flushUses();
      await store.close();
    },
  };
}

/** The engine a configuration names: PostgreSQL when it has a URL, else the SQLite file. */
export function storeTarget(config: Pick<Config, "dbPath" | "databaseUrl" | "poolSize">): StoreTarget {
  return config.databaseUrl
    ? { databaseUrl: config.databaseUrl, poolSize: config.poolSize }
    : { dbPath: config.dbPath };
}
