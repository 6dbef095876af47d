import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { ALL_TOOLS } from "../../src/mcp/server.js";

const ROOT = join(import.meta.dirname, "..", "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const dir = mkdtempSync(join(tmpdir(), "crm-install-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real MCP client over stdio: initialize, then tools/list. */
async function listTools(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const transport = new StdioClientTransport({
    command,
    args,
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: dir, CRM_DB: join(dir, `${Math.random()}.db`), ...env },
    stderr: "pipe",
  });
  const client = new Client({ name: "install-test", version: "1" });
  await client.connect(transport);
  try {
    return (await client.listTools()).tools.map((t) => t.name);
  } finally {
    await client.close();
  }
}

describe("the npm package", () => {
  it("installs from its tarball into an empty folder and runs with npx over stdio", {
    timeout: 300_000,
  }, async () => {
    // The build is fresh (npm test builds first); packing must not build again.
    const [packed] = JSON.parse(
      execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
        cwd: ROOT,
        encoding: "utf8",
      }),
    ) as { filename: string; files: { path: string }[] }[];
    const shipped = packed!.files.map((f) => f.path);
    expect(shipped).toContain("dist/bin/cli.js");
    expect(shipped.filter((p) => /^drizzle\/.*\.sql$/.test(p)).length).toBeGreaterThan(0);
    expect(shipped.filter((p) => p.endsWith("meta/_journal.json")).length).toBeGreaterThan(0);
    // Only what runs (and the license): no sources, tests, source maps, benchmarks or drizzle-kit snapshots.
    for (const path of shipped)
      expect(path, path).toMatch(
        /^(package\.json|README\.md|LICENSE|server\.json|dist\/.*\.(js|d\.ts)|drizzle\/.*\.sql|drizzle\/(.*\/)?meta\/_journal\.json)$/,
      );

    const app = join(dir, "app");
    cpSync(join(dir, packed!.filename), join(app, packed!.filename));
    // better-sqlite3 fetches a prebuilt binary from GitHub, or compiles for minutes; this
    // machine reaches only the npm registry. Its scripts are skipped, and the binary this
    // checkout built (same Node, same platform) goes where its install would have put it.
    const install = spawnSync(
      "npm",
      ["install", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund", `./${packed!.filename}`],
      { cwd: app, encoding: "utf8", timeout: 240_000 },
    );
    expect(install.status, install.stderr).toBe(0);
    const binary = "node_modules/better-sqlite3/build/Release/better_sqlite3.node";
    cpSync(join(ROOT, binary), join(app, binary));

    expect((await listTools("npx", ["--no-install", "crm-mcp"], app)).sort()).toEqual(
      ALL_TOOLS.map((t) => t.name).sort(),
    );
    // The receiver's helper is importable from the installed package.
    const verify = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        "const m = await import('crm-mcp/verify'); console.log(Object.keys(m).sort().join())",
      ],
      { cwd: app, encoding: "utf8" },
    );
    expect(verify.stdout.trim(), verify.stderr).toBe("verifyStandardWebhook,verifyWebhookSignature");
  });
});

describe("server.json for the MCP registry", () => {
  const schema = JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "server.schema.json"), "utf8"));
  const server = JSON.parse(readFileSync(join(ROOT, "server.json"), "utf8"));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);

  it("is valid against the registry's schema, and agrees with package.json", () => {
    expect(validate(server), ajv.errorsText(validate.errors)).toBe(true);
    expect(server.$schema).toBe(schema.$id);
    expect(server.name).toBe(pkg.mcpName);
    expect(server.version).toBe(pkg.version);
    const [npm] = server.packages;
    expect([npm.registryType, npm.identifier, npm.version, npm.transport.type]).toEqual([
      "npm",
      pkg.name,
      pkg.version,
      "stdio",
    ]);
    // Every variable it names is one the server reads, as the README's table lists them.
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    for (const v of npm.environmentVariables) expect(readme).toContain(`| \`${v.name}\` |`);
  });

  it("is held to the schema: what the registry refuses fails here too", () => {
    const refused = [
      { ...server, name: "crm-mcp" },
      { ...server, description: "x".repeat(101) },
      { ...server, version: undefined },
      { ...server, packages: [{ ...server.packages[0], version: "latest" }] },
      { ...server, packages: [{ ...server.packages[0], transport: { type: "carrier-pigeon" } }] },
    ];
    for (const bad of refused) expect(validate(bad), JSON.stringify(bad).slice(0, 80)).toBe(false);
  });
});

describe("the Claude Desktop extension", () => {
  it("builds crm-mcp.mcpb, which validates, unpacks and runs as a client would start it", {
    timeout: 180_000,
  }, async () => {
    const out = join(dir, "crm-mcp.mcpb");
    execFileSync(process.execPath, [join(ROOT, "scripts", "mcpb.mjs"), "--out", out], {
      cwd: ROOT,
      stdio: "pipe",
    });
    const mcpb = join(ROOT, "node_modules", ".bin", "mcpb");
    const unpacked = join(dir, "unpacked");
    execFileSync(mcpb, ["unpack", out, unpacked], { stdio: "pipe" });
    execFileSync(mcpb, ["validate", join(unpacked, "manifest.json")], { stdio: "pipe" });

    const manifest = JSON.parse(readFileSync(join(unpacked, "manifest.json"), "utf8"));
    expect(manifest.manifest_version).toBe("0.3");
    expect(manifest.version).toBe(pkg.version);
    expect(manifest.tools.map((t: { name: string }) => t.name)).toEqual(ALL_TOOLS.map((t) => t.name));
    expect(manifest.user_config.api_key).toMatchObject({ sensitive: true, required: false });
    expect(manifest.user_config.database_path).toMatchObject({ type: "string", required: false });

    // The way an MCPB host resolves the command: the library's own variable substitution.
    const { getMcpConfigForManifest } = await import("@anthropic-ai/mcpb");
    const db = join(dir, "desktop", "crm.db");
    const config = await getMcpConfigForManifest({
      manifest,
      extensionPath: unpacked,
      systemDirs: { HOME: dir, DESKTOP: dir, DOCUMENTS: dir, DOWNLOADS: dir },
      userConfig: { database_path: db },
      pathSeparator: "/",
    });
    expect(config?.env).toEqual({ CRM_DB: db, CRM_API_KEY: "" });
    const command = config!.command === "node" ? process.execPath : config!.command;
    const tools = await listTools(command, config!.args ?? [], dir, config!.env);
    expect(tools).toEqual(ALL_TOOLS.map((t) => t.name));
    expect(readdirSync(join(dir, "desktop"))).toContain("crm.db");
  });
});
