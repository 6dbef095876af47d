import { Counter, Gauge, Histogram, type Metric, Registry } from "prom-client";
import type { DeliveryResult, Store } from "../store/index.js";

/** What a delivery's outcome is counted by; `none` is a success. */
export const DELIVERY_ERROR_CLASSES = [
  "none",
  "policy",
  "dns",
  "timeout",
  "refused",
  "reset",
  "tls",
  "http_status",
  "network",
  "webhook",
  "other",
] as const;
const DELIVERY_STATUSES = ["succeeded", "failed"] as const;
/** Seconds: a healthy receiver answers in milliseconds, the deadline is 5 s by default. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120];
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type ToolOutcome = "ok" | "invalid" | "error";
/** The routes HTTP latency is counted by: a fixed set, so a scan of odd paths cannot grow it. */
export type HttpRoute = "/mcp" | "/sse" | "/messages" | "/healthz" | "/readyz" | "/api/v1" | "ui" | "other";

export function httpRouteOf(pathname: string): HttpRoute {
  switch (pathname) {
    case "/mcp":
    case "/sse":
    case "/messages":
    case "/healthz":
    case "/readyz":
      return pathname;
  }
  if (pathname === "/api/v1" || pathname.startsWith("/api/v1/")) return "/api/v1";
  return pathname === "/" || pathname.startsWith("/ui") || pathname.startsWith("/login") ? "ui" : "other";
}

/**
 * The process's metrics, in Prometheus text format through prom-client. Deliveries are
 * counted in plain arrays, because a labelled prom-client counter builds a label key on every
 * increment: the send path pays one array increment and a bucket search, and prom-client
 * reads the arrays when scraped. Outbox depth and the oldest pending delivery's age are read
 * from the store at scrape time, so they cover every process that shares it.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly deliveries = new Float64Array(DELIVERY_STATUSES.length * DELIVERY_ERROR_CLASSES.length);
  private readonly durationCounts = new Float64Array(DURATION_BUCKETS.length + 1);
  private durationSum = 0;
  private readonly toolCalls: Counter<"tool" | "outcome">;
  private readonly http: Histogram<"method" | "route" | "status">;
  private outbox: Promise<{ depth: number; oldestAgeSeconds: number }> | null = null;

  constructor(private readonly store: Store) {
    const registers = [this.registry];
    const counts = this.deliveries;
    new Counter({
      name: "crm_webhook_deliveries_total",
      help: "Deliveries sent by this process, by outcome and error class (none on success)",
      labelNames: ["status", "error_class"],
      registers,
      collect() {
        this.reset();
        for (let s = 0; s < DELIVERY_STATUSES.length; s++)
          for (let c = 0; c < DELIVERY_ERROR_CLASSES.length; c++) {
            const n = counts[s * DELIVERY_ERROR_CLASSES.length + c]!;
            if (n > 0) this.inc({ status: DELIVERY_STATUSES[s], error_class: DELIVERY_ERROR_CLASSES[c] }, n);
          }
      },
    });
    this.registry.registerMetric(this.durationHistogram() as unknown as Metric);
    const outbox = () => (this.outbox ??= this.readOutbox().finally(() => (this.outbox = null)));
    new Gauge({
      name: "crm_webhook_outbox_depth",
      help: "Deliveries pending or being sent, in the whole store",
      registers,
      async collect() {
        this.set((await outbox()).depth);
      },
    });
    new Gauge({
      name: "crm_webhook_oldest_pending_age_seconds",
      help: "Age of the oldest delivery not yet sent, in the whole store (0 when none)",
      registers,
      async collect() {
        this.set((await outbox()).oldestAgeSeconds);
      },
    });
    this.toolCalls = new Counter({
      name: "crm_mcp_tool_calls_total",
      help: "MCP tool calls by tool and outcome (ok, invalid input or not found, internal error)",
      labelNames: ["tool", "outcome"],
      registers,
    });
    this.http = new Histogram({
      name: "crm_http_request_duration_seconds",
      help: "HTTP requests by method, route and status",
      labelNames: ["method", "route", "status"],
      buckets: HTTP_BUCKETS,
      registers,
    });
  }

  /** The send path's only cost here: no allocation. */
  recordDelivery(result: DeliveryResult): void {
    let c = result.errorClass === null ? 0 : DELIVERY_ERROR_CLASSES.indexOf(result.errorClass as never);
    if (c < 0) c = DELIVERY_ERROR_CLASSES.length - 1;
    this.deliveries[(result.status === "succeeded" ? 0 : 1) * DELIVERY_ERROR_CLASSES.length + c]!++;
    const seconds = result.durationMs / 1000;
    let b = 0;
    while (b < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[b]!) b++;
    this.durationCounts[b]!++;
    this.durationSum += seconds;
  }

  recordToolCall(tool: string, outcome: ToolOutcome): void {
    this.toolCalls.inc({ tool, outcome });
  }

  recordHttpRequest(method: string, route: HttpRoute, status: number, seconds: number): void {
    // Methods outside the usual few are one label, so odd requests cannot grow the series.
    const m =
      method === "GET" || method === "POST" || method === "DELETE" || method === "HEAD" ? method : "other";
    this.http.observe({ method: m, route, status: String(status) }, seconds);
  }

  /** The text Prometheus scrapes. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private async readOutbox() {
    const { depth, oldestCreatedAt } = await this.store.read((tx) => tx.webhooks.outboxStats());
    const oldestAgeSeconds = oldestCreatedAt
      ? Math.max(0, (Date.now() - Date.parse(oldestCreatedAt)) / 1000)
      : 0;
    return { depth, oldestAgeSeconds };
  }

  /** A histogram over the arrays above, in the shape prom-client's registry prints. */
  private durationHistogram() {
    const counts = this.durationCounts;
    const self = this;
    const name = "crm_webhook_delivery_duration_seconds";
    return {
      name,
      help: "Time from the start of a send to its outcome (connect, headers, capped body)",
      type: "histogram",
      aggregator: "sum",
      async get() {
        const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
        let cumulative = 0;
        for (let b = 0; b < DURATION_BUCKETS.length; b++) {
          cumulative += counts[b]!;
          values.push({
            metricName: `${name}_bucket`,
            labels: { le: DURATION_BUCKETS[b]! },
            value: cumulative,
          });
        }
        cumulative += counts[DURATION_BUCKETS.length]!;
        values.push({ metricName: `${name}_bucket`, labels: { le: "+Inf" }, value: cumulative });
        values.push({ metricName: `${name}_sum`, labels: {}, value: self.durationSum });
        values.push({ metricName: `${name}_count`, labels: {}, value: cumulative });
        return { name, help: this.help, type: "histogram", values, aggregator: "sum" };
      },
    };
  }
}
