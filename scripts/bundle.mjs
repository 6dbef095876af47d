// Bundles the command line entry so that a cold start loads a few files instead of
// hundreds of small modules. The notes module stays a separate chunk, loaded on first use.
import { rmSync } from "node:fs";
import { build } from "esbuild";

// Chunk names carry a content hash: without a clean folder, old chunks would pile up and ship.
rmSync("dist/bin", { recursive: true, force: true });

await build({
  entryPoints: ["dist/cli.js"],
  outdir: "dist/bin",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["better-sqlite3"],
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: "warning",
});
