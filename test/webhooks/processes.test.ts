/**
 * Several processes on one database file: each runs the built CLI (`crm-mcp serve`), so
 * these tests hold the processes' behaviour together (claims across processes, a kill, a
 * restart). The mutation run leaves them out: the children run `dist/`, not the mutants.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openTestApp, type TestApp } from "../support/app.js";
import { type Receiver, startReceiver } from "../support/https-receiver.js";
import { until } from "../support/wait.js";

const CLI = join(import.meta.dirname, "..", "..", "dist", "bin", "cli.js");

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup() {
  const receiver = await startReceiver({ respond: { status: 200, body: "ok" } });
  const t = await openTestApp({ ca: receiver.ca, dispatch: false });
  cleanups.push(
    () => receiver.close(),
    () => t.close(),
  );
  return { receiver, t };
}

/** Writes `n` contacts, so each subscribed webhook gets `n` deliveries. */
async function burst(t: TestApp, n: number) {
  for (let i = 0; i < n; i += 100) {
    const size = Math.min(100, n - i);
    await t.app.crm.create(
      t.owner,
      "contact",
      Array.from({ length: size }, (_, j) => ({ firstName: `C${i + j}` })),
    );
  }
}

function deliveryIds(receiver: Receiver): string[] {
  return receiver.requests.map((r) => r.headers["x-webhook-delivery"] as string);
}

/** `timeoutMs` sets the lease (3 x timeout + 2 s) a killed process's claims wait out. */
function spawnServer(t: TestApp, receiver: Receiver, timeoutMs = 1000): ChildProcess {
  const caFile = join(t.dir, "ca.pem");
  writeFileSync(caFile, receiver.ca);
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0"], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: t.dir,
      ...t.dbEnv,
      CRM_WEBHOOK_ALLOW_PRIVATE: "1",
      CRM_WEBHOOK_TIMEOUT_MS: String(timeoutMs),
      NODE_EXTRA_CA_CERTS: caFile,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr!.on("data", (d) => process.stderr.write(`[child ${child.pid}] ${d}`));
  cleanups.push(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  return child;
}

describe("processes on one database", () => {
  it("leaves pending deliveries for the next process when it stops", async () => {
    const { receiver, t } = await setup();
    await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
    await burst(t, 50);
    expect(receiver.requests.length).toBe(0);
    const child = spawnServer(t, receiver);
    await until(
      () => new Set(deliveryIds(receiver)).size === 50,
      20_000,
      "50 deliveries from the next process",
    );
    child.kill("SIGTERM");
  });

  it("two processes on one database file send each of 2,000 deliveries exactly once", async () => {
    const { receiver, t } = await setup();
    await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
    // A send that times out is recorded as failed and may never reach the receiver: on a loaded
    // machine 1 s is too short for the count below to be about claims alone.
    const servers = [spawnServer(t, receiver, 10_000), spawnServer(t, receiver, 10_000)];
    await burst(t, 2000);
    await until(
      async () => (await t.app.store.read((tx) => tx.webhooks.pendingCount())) === 0,
      60_000,
      "2000 deliveries recorded",
    );
    // A process sends before it records, and exits only once its sends are over: after both
    // exits no send can still arrive.
    await Promise.all(
      servers.map((child) => {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        return exited;
      }),
    );
    const ids = deliveryIds(receiver);
    expect(ids.length).toBe(2000);
    expect(new Set(ids).size).toBe(2000);
    const senders = new Set(receiver.requests.map((r) => r.remotePort));
    expect(senders.size).toBeGreaterThan(1);
  }, 90_000);

  it("a process killed in a burst of 5,000: after restart every delivery is sent, duplicates at most the in-flight count", async () => {
    const { receiver, t } = await setup();
    await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
    await burst(t, 5000);
    const first = spawnServer(t, receiver);
    await until(() => receiver.requests.length >= 1000, 60_000, "first 1000 deliveries");
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const sentBefore = receiver.requests.length;
    expect(sentBefore).toBeLessThan(5000);
    spawnServer(t, receiver);
    // Rows the killed process had claimed come back once their lease runs out (5 s here),
    // so the run is over when nothing is pending or sending, not when the last id arrives.
    await until(
      async () => (await t.app.store.read((tx) => tx.webhooks.pendingCount())) === 0,
      90_000,
      "no delivery left pending or sending",
    );
    const ids = deliveryIds(receiver);
    expect(new Set(ids).size).toBe(5000);
    const duplicates = ids.length - new Set(ids).size;
    // At most what the killed process had sent without recording: 32 sends in flight and up
    // to 32 answers waiting for their batch to be written.
    expect(duplicates).toBeLessThanOrEqual(64);
  }, 120_000);
});
