import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchDeliveryThroughput, benchWriteToReceipt } from "./delivery.js";
import { benchColdStart, benchGetEntities, benchSearchAndMemory } from "./mcp.js";
import { benchUpdateOutbox } from "./store.js";

const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);

const parts: [string, (o: { quick: boolean }) => Promise<Record<string, number>>][] = [
  ["store", benchUpdateOutbox],
  ["delivery", benchDeliveryThroughput],
  ["latency", benchWriteToReceipt],
  ["coldstart", benchColdStart],
  ["get", benchGetEntities],
  ["search", benchSearchAndMemory],
];

const results: Record<string, number> = {};
for (const [name, run] of parts) {
  if (only && !only.split(",").includes(name)) continue;
  process.stderr.write(`bench: ${name}...\n`);
  Object.assign(results, await run({ quick }));
}
console.log(JSON.stringify(results, null, 2));
writeFileSync(
  join(import.meta.dirname, "..", "..", "bench", "results.json"),
  `${JSON.stringify(results, null, 2)}\n`,
);
