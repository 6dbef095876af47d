import { z } from "zod";
import { CsvImporter } from "../../csv/import.js";
import { ENTITY_TYPES } from "../../domain/model.js";
import { defineTool, WRITE } from "../registry.js";

/** CSV text an agent may send in one call; larger files go through the command line or the UI. */
export const MCP_CSV_MAX_BYTES = 1024 * 1024;
/** Rows the result lists (unchanged rows are only counted). */
const LISTED_ROWS = 200;

export const importTools = [
  defineTool({
    name: "import_records",
    toolset: "crm",
    title: "Import records from CSV",
    description:
      "Create or update records from CSV text with a header row; contacts match by email, others by name or Id. dryRun: per-row report, no writes.",
    input: z.strictObject({
      entity: z.enum(ENTITY_TYPES),
      csv: z.string().min(1).max(MCP_CSV_MAX_BYTES),
      dryRun: z.boolean().optional(),
      createOrganizations: z.boolean().optional(),
      mapping: z.record(z.string(), z.string()).optional().describe('header: field, column label or "-"'),
    }),
    // `rows` (the per-row report) and the other keys are left out of the schema to keep tools/list small.
    output: z.object({ counts: z.record(z.string(), z.number()) }),
    annotations: WRITE,
    handler: async (args, ctx) => {
      const report = await new CsvImporter(ctx.app.crm).import(ctx.actor, args.entity, args.csv, {
        dryRun: args.dryRun,
        createOrganizations: args.createOrganizations,
        mapping: args.mapping,
        maxBytes: MCP_CSV_MAX_BYTES,
      });
      const listed = report.rows.filter((r) => r.action !== "unchanged");
      return {
        dryRun: report.dryRun,
        counts: report.counts,
        skippedColumns: report.columns.filter((c) => c.field === null).map((c) => c.header),
        organizationsCreated: report.organizationsCreated,
        rows: listed.slice(0, LISTED_ROWS),
        ...(listed.length > LISTED_ROWS ? { rowsLeftOut: listed.length - LISTED_ROWS } : {}),
      };
    },
  }),
];
