import { readFileSync } from "node:fs";

/** The package's version, for User-Agent and the MCP server's name. */
export const VERSION: string = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;
