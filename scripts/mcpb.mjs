// Builds crm-mcp.mcpb, a Claude Desktop extension (MCP Bundle, manifest 0.3), from the built
// dist/. The command line is one esbuild bundle whose only outside module is better-sqlite3,
// so the extension carries that module alone, with the native binary this machine built: the
// bundle runs on the platform (and Node major) that packed it, and says so in `compatibility`.
//
//   node scripts/mcpb.mjs [--out crm-mcp.mcpb] [--keep-staging]
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: { out: { type: "string" }, "keep-staging": { type: "boolean" } },
});
const out = resolve(values.out ?? join(ROOT, "crm-mcp.mcpb"));
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
if (!existsSync(join(ROOT, "dist", "bin", "cli.js"))) {
  console.error("mcpb: dist/bin/cli.js is missing; run `npm run build` first");
  process.exit(2);
}
const { ALL_TOOLS } = await import(join(ROOT, "dist", "mcp", "server.js"));

const stage = mkdtempSync(join(tmpdir(), "crm-mcpb-"));
const copy = (from, to = from) => cpSync(join(ROOT, from), join(stage, to), { recursive: true });
try {
  copy("dist/bin");
  copy("drizzle");
  rmSync(join(stage, "drizzle", "meta"), { recursive: true, force: true });
  for (const journal of findJournals(join(ROOT, "drizzle"))) copy(journal);
  copy("README.md");
  // paths.ts finds the package root by this file; nothing here is installed or run.
  writeFileSync(
    join(stage, "package.json"),
    `${JSON.stringify({ name: pkg.name, version: pkg.version, type: "module", license: pkg.license }, null, 2)}\n`,
  );
  const sqlite = "node_modules/better-sqlite3";
  for (const part of ["package.json", "LICENSE", "lib", "build/Release/better_sqlite3.node"])
    copy(`${sqlite}/${part}`);
  copy("node_modules/bindings");
  copy("node_modules/file-uri-to-path");

  const manifest = {
    $schema:
      "https://raw.githubusercontent.com/modelcontextprotocol/mcpb/main/dist/mcpb-manifest-v0.3.schema.json",
    manifest_version: "0.3",
    name: pkg.name,
    display_name: "CRM",
    version: pkg.version,
    description: pkg.description,
    long_description:
      "Contacts, organizations, deals, services and tasks with custom fields and rich-text notes, in a SQLite file on this computer. Every change fires a signed webhook, recorded as a delivery you can search and resend.",
    author: { name: "crm-mcp contributors" },
    license: pkg.license,
    keywords: ["crm", "contacts", "deals", "webhooks"],
    server: {
      type: "node",
      entry_point: "dist/bin/cli.js",
      mcp_config: {
        command: "node",
        args: [host("__dirname", "/dist/bin/cli.js")],
        env: { CRM_DB: host("user_config.database_path"), CRM_API_KEY: host("user_config.api_key") },
      },
    },
    tools: ALL_TOOLS.map((tool) => ({ name: tool.name, description: tool.description })),
    user_config: {
      database_path: {
        type: "string",
        title: "Database file",
        description:
          "Path of the SQLite database file. Empty: crm-mcp/crm.db in your data directory, the same file the crm-mcp command line uses.",
        required: false,
        default: "",
      },
      api_key: {
        type: "string",
        title: "API key",
        description:
          "Act as this key's user (make one with `crm-mcp keys create`). Empty: the local owner of the database.",
        required: false,
        sensitive: true,
        default: "",
      },
    },
    compatibility: {
      platforms: [process.platform],
      runtimes: {
        node: `>=${process.versions.node.split(".")[0]}.0.0 <${Number(process.versions.node.split(".")[0]) + 1}.0.0`,
      },
    },
  };
  writeFileSync(join(stage, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);

  const mcpb = join(ROOT, "node_modules", ".bin", "mcpb");
  execFileSync(mcpb, ["validate", join(stage, "manifest.json")], { stdio: ["ignore", "ignore", "inherit"] });
  mkdirSync(dirname(out), { recursive: true });
  execFileSync(mcpb, ["pack", stage, out], { stdio: ["ignore", "ignore", "inherit"] });
  console.error(`mcpb: wrote ${out} (${process.platform}, Node ${process.versions.node.split(".")[0]})`);
  if (values["keep-staging"]) console.error(`mcpb: staging kept at ${stage}`);
} finally {
  if (!values["keep-staging"]) rmSync(stage, { recursive: true, force: true });
}

/** A variable the MCPB host substitutes when it starts the server: `${name}` followed by `rest`. */
function host(name, rest = "") {
  return `\${${name}}${rest}`;
}

/** The migrator's journals (drizzle/meta/_journal.json, or one per engine folder), relative to ROOT. */
function findJournals(dir, rel = "drizzle") {
  const found = [];
  for (const entry of readdirSyncSafe(dir)) {
    if (entry.isDirectory()) found.push(...findJournals(join(dir, entry.name), `${rel}/${entry.name}`));
    else if (entry.name === "_journal.json") found.push(`${rel}/${entry.name}`);
  }
  return found;
}

function readdirSyncSafe(dir) {
  return existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : [];
}
