import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogAsMarkdown } from "../src/events/catalog.js";
import { ALL_TOOLS } from "../src/mcp/server.js";

const ROOT = join(import.meta.dirname, "..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

describe("README", () => {
  it("starts with the two set-up commands", () => {
    expect(readme.split("\n").slice(0, 6).join("\n")).toContain("npm install && npm start\nnpm test");
  });

  it("carries the event catalog exactly as the code defines it", () => {
    const block = readme.split("<!-- catalog:start -->\n")[1]!.split("\n<!-- catalog:end -->")[0];
    expect(block).toBe(catalogAsMarkdown());
  });

  it("names every tool and every variable", () => {
    for (const tool of ALL_TOOLS) expect(readme, tool.name).toContain(`\`${tool.name}\``);
    for (const v of [
      "CRM_DB",
      "CRM_API_KEY",
      "CRM_WEBHOOK_ALLOW_PRIVATE",
      "CRM_WEBHOOK_TIMEOUT_MS",
      "CRM_WEBHOOK_CA_FILE",
      "CRM_WEBHOOK_RETRY_SCHEDULE",
      "CRM_WEBHOOK_AUTO_DISABLE_AFTER",
      "CRM_DATABASE_URL",
      "CRM_DB_POOL_SIZE",
      "CRM_LOG_LEVEL",
      "CRM_PUBLIC_URL",
      "CRM_OAUTH",
    ])
      expect(readme).toContain(v);
  });

  it("shows a Claude Desktop config that parses", () => {
    const example = JSON.parse(readFileSync(join(ROOT, "mcp.json.example"), "utf8"));
    expect(example.mcpServers.crm.args[0]).toMatch(/dist\/bin\/cli\.js$/);
  });
});
