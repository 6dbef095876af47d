import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package's root folder (where package.json and drizzle/ live), wherever this file was compiled to. */
function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "crm-mcp") return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`crm-mcp: cannot find the package root above ${start}`);
    dir = parent;
  }
}

export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
