/**
 * `npm run bench`: every measurement, a table on stdout, and bench/results.json.
 * `-- --quick` runs the same measurements at a smaller scale; `-- --only=store,delivery`
 * runs some of them (`pgnodes` is the node rates of `pg` alone, and runs only when asked). Ratios compare against a baseline measured in the same run.
 */
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../src/paths.js";
import { benchCsvImport } from "./csv.js";
import { benchDeliveryThroughput, benchWriteToReceipt } from "./delivery.js";
import { benchColdStart, benchGetEntities, benchHttpVsStdio, benchSearchAndMemory } from "./mcp.js";
import { benchNotes } from "./notes.js";
import { benchPgBoss, benchPgNodes, benchPostgres } from "./postgres.js";
import { benchRest } from "./rest.js";
import { benchUpdateOutbox } from "./store.js";
import { benchUiPages } from "./ui.js";

const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);

type Results = Record<string, number>;

/** Parts that repeat figures of another, run only when named in `--only`. */
const ON_REQUEST = new Set(["pgnodes"]);

const parts: [string, (o: { quick: boolean }) => Promise<Results>][] = [
  ["store", benchUpdateOutbox],
  ["delivery", benchDeliveryThroughput],
  ["latency", benchWriteToReceipt],
  ["coldstart", benchColdStart],
  ["get", benchGetEntities],
  ["transports", benchHttpVsStdio],
  ["search", benchSearchAndMemory],
  ["notes", benchNotes],
  ["pg", benchPostgres],
  ["pgnodes", benchPgNodes],
  ["pgboss", benchPgBoss],
  ["rest", benchRest],
  ["ui", benchUiPages],
  ["csv", benchCsvImport],
];

/** The figures with a target: [key, baseline key, target, direction]. */
const TARGETS: [string, string | null, number, "max" | "min"][] = [
  ["delivery_vs_bare_http_ratio", "bare_http_posts_per_s", 0.8, "min"],
  ["write_to_receipt_p99_ms", null, 25, "max"],
  ["update_with_webhooks_vs_plain_ratio", "updates_per_s_no_webhooks", 1.5, "max"],
  ["stdio_cold_start_vs_server_memory_ratio", "server_memory_cold_start_ms", 1.2, "max"],
  ["filter_contacts_search_p50_ms", null, 10, "max"],
  ["http_vs_stdio_call_ratio", "stdio_get_entities_p50_ms", 1.3, "max"],
  ["notes_to_markdown_per_s", null, 20_000, "min"],
  ["notes_to_markdown_vs_tiptap_ratio", "tiptap_notes_to_markdown_per_s", 2, "min"],
  ["markdown_to_notes_vs_tiptap_ratio", "tiptap_markdown_to_notes_per_s", 1, "min"],
  ["rss_mb_100k_contacts", null, 200, "max"],
  ["rss_mb_10k_contacts", null, 200, "max"],
  ["pg_update_with_webhooks_vs_plain_ratio", "pg_updates_per_s_no_webhooks", 1.5, "max"],
  ["pg_write_to_receipt_p99_ms", null, 25, "max"],
  ["pg_two_node_scaling", "pg_deliveries_per_s_1_node", 1.0, "min"],
  ["pg_delivery_vs_pgboss_ratio", "pgboss_deliveries_per_s", 2, "min"],
  ["ui_webhooks_page_ms", "ui_events_page_ms", 200, "max"],
  ["ui_webhook_page_ms", "ui_events_page_ms", 200, "max"],
  ["pg_ui_webhooks_page_ms", "pg_ui_events_page_ms", 200, "max"],
  ["pg_ui_webhook_page_ms", "pg_ui_events_page_ms", 200, "max"],
  ["csv_import_rows_per_s", "create_contacts_rows_per_s", 5000, "min"],
  ["csv_import_other_calls_p99_ms", "idle_other_calls_p99_ms", Number.POSITIVE_INFINITY, "max"],
];

const results: Results = {};
const started = performance.now();
for (const [name, run] of parts) {
  if (only ? !only.split(",").includes(name) : ON_REQUEST.has(name)) continue;
  process.stderr.write(`bench: ${name}...\n`);
  Object.assign(results, await run({ quick }));
}

const fmt = (v: number | undefined) =>
  v === undefined || Number.isNaN(v) ? "-" : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2);
const rows: string[][] = [["figure", "value", "baseline", "target", "met"]];
const targeted = new Set<string>();
for (const [key, base, target, dir] of TARGETS) {
  if (!(key in results)) continue;
  targeted.add(key);
  const v = results[key]!;
  const met = dir === "min" ? v >= target : v <= target;
  rows.push([
    key,
    fmt(v),
    base ? `${base} ${fmt(results[base])}` : "",
    `${dir === "min" ? ">=" : "<="} ${target}`,
    met ? "yes" : "NO",
  ]);
}
for (const [key, v] of Object.entries(results)) if (!targeted.has(key)) rows.push([key, fmt(v), "", "", ""]);
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
const line = (r: string[]) =>
  r
    .map((c, i) => c.padEnd(widths[i]!))
    .join("  ")
    .trimEnd();
console.log(
  `\ncrm-mcp bench${quick ? " (--quick)" : ""}: node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
);
console.log(line(rows[0]!));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of rows.slice(1)) console.log(line(r));
writeFileSync(
  join(PACKAGE_ROOT, "bench", "results.json"),
  `${JSON.stringify({ quick, node: process.version, cores: cpus().length, at: new Date().toISOString(), results }, null, 2)}\n`,
);
