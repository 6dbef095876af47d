import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import type { StoreTarget } from "../src/store/index.js";
import { testCert } from "../test/support/certs.js";

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `crm-bench-${prefix}-`));
}

/** The address and the owner's key that `crm-mcp serve` prints on a fresh database's first start. */
export function firstStartBanner(child: ChildProcess): Promise<{ url: string; key: string }> {
  return new Promise((resolve, reject) => {
    let url = "";
    const rl = createInterface({ input: child.stdout! });
    rl.on("line", (line) => {
      const m = /listening on (\S+)/.exec(line);
      if (m) url = m[1]!;
      const k = /^\s+(crm_\S+)/.exec(line);
      if (k) resolve({ url, key: k[1]! });
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** User and system CPU time of a process so far, from /proc (Linux). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // utime and stime are fields 14 and 15 of stat, counted from 1; in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * User and system CPU time of every PostgreSQL process on this machine so far (its backends
 * and its helpers), for the database's share of a round's work; 0 where none runs here.
 */
export function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").startsWith("postgres")) total += cpuMs(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return total;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ReceiverProcess {
  url: string;
  ca: string;
  child: ChildProcess;
  /** Receipts reported so far: entityId -> epoch ms. */
  receipts: Map<string, number>;
  count(): number;
  stop(): Promise<void>;
}

/**
 * Gathers PostgreSQL's statistics of a database the bench just filled, as autovacuum does
 * within a minute of a bulk load. Until then the plans that connections cached while the
 * tables were nearly empty stay, and those read whole tables (a delivery's outcome scanned
 * every delivery row): the figures would be those of the load's first minute, not of a
 * running database. Only on PostgreSQL; a SQLite target has nothing to gather.
 */
export async function analyzePg(target?: StoreTarget | string): Promise<void> {
  const url =
    typeof target === "string" ? target : target && "databaseUrl" in target ? target.databaseUrl : null;
  if (!url) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("analyze");
  } finally {
    await client.end();
  }
}

/** Starts bench/receiver.js in its own process. */
export async function startReceiverProcess(report = false): Promise<ReceiverProcess> {
  const cert = await testCert();
  const child = spawn(process.execPath, [join(import.meta.dirname, "receiver.js")], {
    env: { ...process.env, BENCH_KEY: cert.key, BENCH_CERT: cert.cert, BENCH_REPORT: report ? "1" : "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const receipts = new Map<string, number>();
  let lines = 0;
  const port = await new Promise<number>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on("line", (line) => {
      if (line.startsWith("PORT ")) return resolve(Number(line.slice(5)));
      lines++;
      const [at, id] = line.split(" ");
      receipts.set(id!, Number(at));
    });
    child.once("exit", (code) => reject(new Error(`receiver exited with ${code}`)));
  });
  return {
    url: `https://127.0.0.1:${port}/hook`,
    ca: cert.ca,
    child,
    receipts,
    count: () => lines,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}
