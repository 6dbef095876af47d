import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  // The SQLite history keeps its hashes and timestamps: only its folder moved.
  schema: "./src/store/sqlite/schema/index.ts",
  out: "./drizzle/sqlite",
});
