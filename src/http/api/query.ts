import type { z } from "zod";
import { type JsonSchema, jsonSchemaOf, typesOf } from "./schemas.js";

/**
 * A query string as the arguments a schema takes: numbers and booleans from their text, an
 * array from repeated or comma-separated values. A value that does not convert stays text,
 * so the schema's error names it.
 */
export function queryOf(schema: z.ZodObject | undefined, params: URLSearchParams): Record<string, unknown> {
  const properties = (schema ? (jsonSchemaOf(schema, "input").properties ?? {}) : {}) as Record<
    string,
    JsonSchema
  >;
  const query: Record<string, unknown> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    const types = typesOf(properties[name]);
    if (types.includes("array")) {
      query[name] = values.flatMap((v) => v.split(",")).filter((v) => v !== "");
      continue;
    }
    const converted = values.map((v) => convert(v, types));
    query[name] = converted.length === 1 ? converted[0] : converted;
  }
  return query;
}

function convert(value: string, types: string[]): unknown {
  if ((types.includes("integer") || types.includes("number")) && /^-?\d+(\.\d+)?$/.test(value)) {
    return Number(value);
  }
  if (types.includes("boolean") && (value === "true" || value === "false")) return value === "true";
  return value;
}
