// Bundles the command line entry so that a cold start loads a few files instead of
// hundreds of small modules. The notes module stays a separate chunk, loaded on first use.
import { build } from "esbuild";

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
