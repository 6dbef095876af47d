import { Worker } from "node:worker_threads";

/**
 * Moves WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the
 * commit that crosses the threshold and holds the thread while it copies pages and syncs;
 * here a worker thread with its own connection checkpoints passively now and then, which
 * never blocks writers. The main connection keeps a far higher automatic threshold as a
 * safety net should the worker stop.
 */
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma("busy_timeout = 1000");
const timer = setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {}
}, workerData.everyMs);
parentPort.on("message", (m) => {
  if (m === "stop") { clearInterval(timer); try { db.close(); } catch {} process.exit(0); }
});
`;

export class Checkpointer {
  private worker: Worker | null = null;

  constructor(
    private readonly path: string,
    private readonly everyMs = 200,
  ) {}

  start(driverPath: string): void {
    if (this.worker) return;
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { path: this.path, driver: driverPath, everyMs: this.everyMs },
    });
    this.worker.unref();
    this.worker.on("error", () => {
      this.worker = null;
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    // Held while stopping: an unreferenced worker would let the process exit mid-await.
    worker.ref();
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    worker.postMessage("stop");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 1000))]);
    await worker.terminate();
  }
}
