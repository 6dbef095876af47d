/**
 * A local HTTPS receiver in its own process, so that sender and receiver do not share an
 * event loop. Started by the benchmark: it prints its port, then one line per request:
 * `<receivedAt ms since epoch> <entityId>`.
 */
import { createServer } from "node:https";

const key = process.env.BENCH_KEY ?? "";
const cert = process.env.BENCH_CERT ?? "";
const report = process.env.BENCH_REPORT === "1";

const server = createServer({ key, cert, keepAliveTimeout: 30_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const at = performance.timeOrigin + performance.now();
    res.writeHead(200, { "content-type": "text/plain", "content-length": "2" });
    res.end("ok");
    if (report) {
      const body = Buffer.concat(chunks).toString("utf8");
      const m = /"entityId":"([^"]+)"/.exec(body);
      process.stdout.write(`${at.toFixed(3)} ${m?.[1] ?? "-"}\n`);
    }
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`PORT ${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
