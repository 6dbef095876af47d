import { z } from "zod";
import { ENTITIES, ENTITY_TYPES, type EntityType } from "../domain/model.js";

/**
 * The catalog of the fifteen events: names, when each fires, and each payload's schema.
 * The MCP tool, the web UI and the README all read it from here.
 */

export const EVENT_ACTIONS = ["created", "updated", "deleted"] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];
export type EventName = `${EntityType}.${EventAction}`;

export const EVENT_NAMES: readonly EventName[] = ENTITY_TYPES.flatMap((t) =>
  EVENT_ACTIONS.map((a) => `${t}.${a}` as EventName),
);

export function isEventName(value: string): value is EventName {
  return (EVENT_NAMES as readonly string[]).includes(value);
}

const customFieldValue = z.object({ columnId: z.string(), value: z.unknown() });
const ids = z.array(z.string());

function scalarSchema(kind: string, values?: readonly string[], derived?: boolean) {
  switch (kind) {
    case "number":
      return derived ? z.number().describe("Derived from the deal's service lines") : z.number();
    case "stage":
      return z.string().describe("One of the company's deal stages");
    case "date":
      return z.string().describe("ISO date, YYYY-MM-DD").nullable();
    case "enum":
      return z.enum(values as [string, ...string[]]);
    case "stringList":
      return z.array(z.string());
    default:
      return z.string().nullable();
  }
}

/** The shape of each entity inside a payload (and in get_entities). */
export const ENTITY_SCHEMAS = Object.fromEntries(
  ENTITY_TYPES.map((type) => {
    const def = ENTITIES[type];
    const shape: Record<string, z.ZodType> = { id: z.string() };
    for (const s of def.scalars) shape[s.name] = scalarSchema(s.kind, s.values, s.derived);
    if (type === "deal") {
      shape.services = z.array(z.object({ serviceId: z.string(), quantity: z.number() }));
    }
    for (const r of def.relations) shape[r.name] = ids;
    shape.notes = z.record(z.string(), z.unknown()).nullable().describe("Tiptap JSON");
    shape.customFieldValues = z.array(customFieldValue);
    shape.createdAt = z.string();
    shape.updatedAt = z.string();
    return [type, z.object(shape)];
  }),
) as Record<EntityType, z.ZodObject>;

const changesSchema = z
  .record(z.string(), z.object({ previous: z.unknown(), current: z.unknown() }))
  .describe("Each field that moved, with its previous and current value");

export interface EventDefinition {
  name: EventName;
  entity: EntityType;
  action: EventAction;
  when: string;
  payloadKeys: string[];
  payload: z.ZodObject;
}

const article = (label: string) => (/^[aeiou]/.test(label) ? `An ${label}` : `A ${label}`);

const WHEN: Record<EventAction, (label: string) => string> = {
  created: (label) => `${article(label)} is created (MCP, web UI or API)`,
  updated: (label) => `Any ${label} field changes, links from either side and derived totals included`,
  deleted: (label) => `${article(label)} is deleted; the payload carries only its id`,
};

export const EVENT_CATALOG: readonly EventDefinition[] = ENTITY_TYPES.flatMap((entity) =>
  EVENT_ACTIONS.map((action): EventDefinition => {
    const entitySchema = ENTITY_SCHEMAS[entity];
    const payload =
      action === "created"
        ? z.object({ [entity]: entitySchema })
        : action === "updated"
          ? z.object({ [entity]: entitySchema, changes: changesSchema })
          : z.object({ [`${entity}Id`]: z.string() });
    return {
      name: `${entity}.${action}`,
      entity,
      action,
      when: WHEN[action](entity),
      payloadKeys: Object.keys(payload.shape),
      payload,
    };
  }),
);

/** The catalog as plain JSON, with each payload's JSON Schema. */
export function catalogAsJson() {
  return EVENT_CATALOG.map((e) => ({
    name: e.name,
    when: e.when,
    payloadKeys: e.payloadKeys,
    payloadSchema: z.toJSONSchema(e.payload, { unrepresentable: "any" }),
  }));
}

/** The catalog as the README's markdown table. */
export function catalogAsMarkdown(): string {
  const rows = EVENT_CATALOG.map(
    (e) => `| \`${e.name}\` | ${e.when} | ${e.payloadKeys.map((k) => `\`${k}\``).join(", ")} |`,
  );
  return ["| Event | When it fires | Payload keys |", "|---|---|---|", ...rows].join("\n");
}
