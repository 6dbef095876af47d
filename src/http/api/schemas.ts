import { z } from "zod";

export type JsonSchema = Record<string, unknown>;

const cache = new WeakMap<z.ZodType, { input?: JsonSchema; output?: JsonSchema }>();

/** A zod schema as JSON Schema 2020-12, the dialect of OpenAPI 3.1; computed once per schema. */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  let entry = cache.get(schema);
  if (!entry) {
    entry = {};
    cache.set(schema, entry);
  }
  if (!entry[io]) {
    const json = z.toJSONSchema(schema, {
      target: "draft-2020-12",
      io,
      unrepresentable: "any",
    }) as JsonSchema;
    delete json.$schema;
    entry[io] = json;
  }
  return entry[io];
}

/** The JSON types a schema admits at its top level (`type`, or each branch of `anyOf`). */
export function typesOf(schema: JsonSchema | undefined): string[] {
  if (!schema) return [];
  const own = schema.type;
  const types = Array.isArray(own) ? [...own] : typeof own === "string" ? [own] : [];
  for (const branch of (schema.anyOf ?? []) as JsonSchema[]) types.push(...typesOf(branch));
  return types;
}
