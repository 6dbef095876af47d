import { z } from "zod";
import {
  CREATE_INPUTS,
  customFieldsItemInput,
  filtersInput,
  searchTermInput,
  UPDATE_INPUTS,
} from "../../crm/inputs.js";
import { entitiesInput, idsInput, MAX_BATCH } from "../../crm/service.js";
import { ValidationError } from "../../domain/errors.js";
import { inferEntity } from "../../domain/ids.js";
import {
  displayName,
  ENTITIES,
  ENTITY_TYPES,
  type EntityRecord,
  type EntityType,
} from "../../domain/model.js";
import { decodeCursor, encodeCursor } from "../../domain/paging.js";
import { quote } from "../../domain/quote.js";
import { cursorInput, idInput, NAME_MAX_LENGTH, SEARCH_TERM_MAX_LENGTH } from "../../domain/validate.js";
import { diffRecords } from "../../events/diff.js";
import { historyQuery } from "../../events/history.js";
import { notes as loadNotes } from "../../notes/lazy.js";
import { NOTES_MARKDOWN_MAX_BYTES } from "../../notes/limits.js";
import {
  DESTRUCTIVE,
  defineTool,
  IDEMPOTENT_WRITE,
  READ,
  type ToolContext,
  type ToolDefinition,
  WRITE,
} from "../registry.js";

const entity = z.enum(ENTITY_TYPES);
const record = z.record(z.string(), z.unknown());
const page = {
  limit: z.number().int().min(1).max(100).optional().describe("Default 25"),
  cursor: cursorInput.optional(),
};
const listOutput = z.object({ items: z.array(record), nextCursor: z.string().nullable(), total: z.number() });
// Items may also carry `url` (see `linked`): left out of the schema, as records leave their fields out, to keep tools/list small.
const namedItems = z.object({ items: z.array(z.object({ id: z.string(), name: z.string() })) });

/** No result is larger than this (about 25k tokens); get_entities stops before it and says what is left. */
export const MAX_RESULT_BYTES = 100_000;
/** What the records may take of it: the rest is the envelope and the note. */
const RESULT_BUDGET = MAX_RESULT_BYTES - 2_000;

/** How many of `items`, from the first, fit the result budget together (at least one). */
function withinBudget(items: unknown[]): number {
  let bytes = 0;
  for (const [n, item] of items.entries()) {
    bytes += Buffer.byteLength(JSON.stringify(item));
    if (bytes > RESULT_BUDGET && n > 0) return n;
  }
  return items.length;
}

/** How a reading tool shapes its records: linked records with names, and a projection. */
const shapeInput = {
  linked: z.boolean().optional().describe("Links as [{id, name}]"),
  fields: z
    .array(z.string().max(NAME_MAX_LENGTH))
    .min(1)
    .max(50)
    .optional()
    .describe("Only these fields (id always)"),
};

interface Shape {
  linked?: boolean;
  fields?: string[];
}

/**
 * Records as an agent reads them: each custom value with its column's label, the projection
 * asked for, and linked records as {id, name} when asked.
 */
async function present(
  ctx: ToolContext,
  type: EntityType,
  records: Record<string, unknown>[],
  shape: Shape,
): Promise<Record<string, unknown>[]> {
  const { app, actor } = ctx;
  const known = [
    "id",
    ...ENTITIES[type].scalars.map((s) => s.name),
    ...ENTITIES[type].relations.map((r) => r.name),
    ...(type === "deal" ? ["services"] : []),
    "notes",
    "customFieldValues",
    "createdAt",
    "updatedAt",
    "url",
  ];
  const unknown = shape.fields?.find((f) => !known.includes(f));
  if (unknown !== undefined)
    throw new ValidationError(
      `fields[${shape.fields!.indexOf(unknown)}]`,
      `${quote(unknown)} is not a field of ${type}. Fields: ${known.join(", ")}`,
    );
  const wanted = shape.fields ? new Set(["id", ...shape.fields]) : null;
  const keep = (name: string) => !wanted || wanted.has(name);
  const labels = keep("customFieldValues")
    ? new Map((await app.crm.listColumns(actor, type)).map((c) => [c.id, c.label]))
    : new Map<string, string>();
  const relations = shape.linked ? ENTITIES[type].relations.filter((r) => keep(r.name)) : [];
  const names = new Map<string, string>();
  for (const target of new Set(relations.map((r) => r.target))) {
    const ids = new Set(
      records.flatMap((r) =>
        relations.filter((x) => x.target === target).flatMap((x) => r[x.name] as string[]),
      ),
    );
    if (ids.size === 0) continue;
    if (target === "user") {
      for (const u of await app.tenants.users(actor)) if (ids.has(u.id)) names.set(u.id, u.name);
    } else {
      for (const [id, r] of await app.crm.get(actor, target, [...ids])) names.set(id, displayName(target, r));
    }
  }
  return records.map((record) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) {
      if (!keep(key)) continue;
      if (key === "customFieldValues")
        out[key] = (value as { columnId: string; value: unknown }[]).map((v) => ({
          columnId: v.columnId,
          label: labels.get(v.columnId) ?? null,
          value: v.value,
        }));
      else if (relations.some((r) => r.name === key))
        out[key] = (value as string[]).map((id) => ({ id, name: names.get(id) ?? null }));
      else out[key] = value;
    }
    return out;
  });
}

/** Records in lists and masterData leave notes out: they can be long. */
function masterData(r: EntityRecord): Record<string, unknown> {
  const { notes: _notes, ...rest } = r;
  return rest;
}

/** `url`, the record's page, when the server knows where people reach the UI. */
function linked<T extends { id: string }>(ctx: ToolContext, item: T): T & { url?: string } {
  return ctx.recordUrl ? { ...item, url: ctx.recordUrl(item.id) } : item;
}

function named(ctx: ToolContext, type: EntityType, records: EntityRecord[]) {
  return { items: records.map((r) => linked(ctx, { id: r.id, name: displayName(type, r) })) };
}

/** An update's answer: each record named, with the fields the call moved (none when it moved nothing). */
async function updated(
  ctx: ToolContext,
  type: EntityType,
  ids: string[],
  write: () => Promise<EntityRecord[]>,
) {
  const before = await ctx.app.crm.get(ctx.actor, type, ids);
  const after = await write();
  return {
    items: after.map((r) => {
      const was = before.get(r.id);
      const changed = was ? Object.keys(diffRecords(was, r)) : [];
      return linked(ctx, { id: r.id, name: displayName(type, r), changed });
    }),
  };
}

const updatedItems = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string(), changed: z.array(z.string()) })),
});

const ids = idsInput;

const createTools = ENTITY_TYPES.map((type) => {
  const plural = ENTITIES[type].plural;
  return defineTool({
    name: `create_${plural}`,
    toolset: "crm",
    title: `Create ${plural}`,
    description: `Create 1-100 ${plural}, all or nothing.`,
    input: z.strictObject({ [plural]: z.array(CREATE_INPUTS[type]).min(1).max(MAX_BATCH) }),
    output: namedItems,
    annotations: WRITE,
    handler: async (args, ctx) =>
      named(ctx, type, await ctx.app.crm.create(ctx.actor, type, args[plural] as unknown[])),
  });
});

const updateTools = ENTITY_TYPES.map((type) => {
  const plural = ENTITIES[type].plural;
  return defineTool({
    name: `update_${plural}`,
    toolset: "crm",
    title: `Update ${plural}`,
    description: `Change 1-100 ${plural}, all or nothing: only the fields given; a relationship array replaces all links (link_entities adds some).`,
    input: z.strictObject({ [plural]: z.array(UPDATE_INPUTS[type]).min(1).max(MAX_BATCH) }),
    output: updatedItems,
    // A relationship array given replaces every link: what it leaves out is gone.
    annotations: DESTRUCTIVE,
    handler: async (args, ctx) => {
      const items = args[plural] as { id: string }[];
      return updated(ctx, type, [...new Set(items.map((i) => i.id))], () =>
        ctx.app.crm.update(ctx.actor, type, items),
      );
    },
  });
});

export const crmTools: ToolDefinition[] = [
  defineTool({
    name: "get_entity_configuration",
    toolset: "crm",
    title: "Describe an entity type",
    description:
      "An entity type's fields, relationship arrays and custom columns, with the filter operators each takes. Call it first.",
    input: z.strictObject({
      entity: entity.optional(),
      id: idInput.optional().describe("Instead of entity: a record's id"),
    }),
    output: z.object({
      entity: z.string(),
      fields: z.array(record),
      relations: z.array(record),
      customColumns: z.array(record),
    }),
    annotations: READ,
    handler: async ({ entity, id }, { app, actor }) => {
      if (!entity && !id) throw new ValidationError("entity", "is required (or id, whose prefix names it)");
      return app.crm.configuration(actor, entity ?? inferEntity(id!, "id"));
    },
  }),
  defineTool({
    name: "filter_entity",
    toolset: "crm",
    title: "Find records",
    description:
      "Records of one entity type by searchTerm (words of names, emails, phones, domains) and filters, sorted, paged; without notes (get_entities has them).",
    input: z.strictObject({
      entity,
      searchTerm: searchTermInput.optional(),
      filters: filtersInput.optional(),
      sort: z
        .strictObject({
          field: z.string().max(NAME_MAX_LENGTH),
          direction: z.enum(["asc", "desc"]).optional(),
        })
        .optional(),
      ...shapeInput,
      ...page,
    }),
    output: listOutput,
    annotations: READ,
    handler: async ({ entity, linked: withNames, fields, ...query }, ctx) => {
      const result = await ctx.app.crm.find(ctx.actor, entity, query);
      const items = result.items.map((r) => linked(ctx, masterData(r) as EntityRecord));
      const shown = await present(ctx, entity, items, { linked: withNames, fields });
      // Records with many long custom values could pass the cap: the page ends early, and
      // nextCursor continues after the last record shown.
      const kept = withinBudget(shown);
      if (kept === shown.length) return { ...result, items: shown };
      return {
        ...result,
        items: shown.slice(0, kept),
        nextCursor: encodeCursor(decodeCursor(query.cursor) + kept),
        note: `This page stops at ${kept} records to stay under 100 KB; nextCursor continues${fields ? "" : ", or ask for fewer fields"}.`,
      };
    },
  }),
  defineTool({
    name: "count_entity",
    toolset: "crm",
    title: "Count records",
    description:
      "Count the records of one entity type matching searchTerm and filters, as filter_entity does.",
    input: z.strictObject({
      entity,
      searchTerm: searchTermInput.optional(),
      filters: filtersInput.optional(),
    }),
    output: z.object({ entity: z.string(), count: z.number() }),
    annotations: READ,
    handler: async ({ entity, ...query }, { app, actor }) => ({
      entity,
      count: await app.crm.count(actor, entity, query),
    }),
  }),
  defineTool({
    name: "search_all_entities",
    toolset: "crm",
    title: "Search everything",
    description:
      "Search names, emails, phones, domains across entity types (a full name works); the best few of each. Finds an id from a name.",
    input: z.strictObject({
      searchTerm: z.string().min(1).max(SEARCH_TERM_MAX_LENGTH),
      entities: entitiesInput.optional().describe("Default: all five"),
      limitPerEntity: z.number().int().min(1).max(25).optional().describe("Default 5"),
    }),
    output: z.object({
      results: z.array(z.object({ entity: z.string(), total: z.number(), items: z.array(record) })),
    }),
    annotations: READ,
    handler: async ({ searchTerm, entities, limitPerEntity }, ctx) => {
      const results = await ctx.app.crm.searchAll(ctx.actor, searchTerm, entities, limitPerEntity);
      return {
        results: results.map((r) => ({
          entity: r.entity,
          total: r.total,
          items: r.items.map((x) => linked(ctx, { id: x.id, name: displayName(r.entity, x) })),
        })),
      };
    },
  }),
  defineTool({
    name: "get_entities",
    toolset: "crm",
    title: "Read records by id",
    description:
      'Read up to 100 records by id: "masterData" (fields, links, custom values) or "withNotes" (plus notes as markdown). An unknown id gets an error item.',
    input: z.strictObject({
      items: z
        .array(
          z.strictObject({
            entity: entity.optional(),
            id: idInput,
            include: z.enum(["masterData", "withNotes"]).default("masterData"),
          }),
        )
        .min(1)
        .max(MAX_BATCH),
      ...shapeInput,
    }),
    output: z.object({
      items: z.array(record),
      remaining: z.array(z.string()).optional().describe("Ids left for a next call (100 KB cap)"),
    }),
    annotations: READ,
    handler: async (args, ctx) => {
      const { app, actor } = ctx;
      const items = args.items.map((i, n) => ({
        ...i,
        entity: i.entity ?? inferEntity(i.id, `items[${n}].id`),
      }));
      const byType = new Map<EntityType, Map<string, EntityRecord>>();
      for (const type of new Set(items.map((i) => i.entity))) {
        byType.set(
          type,
          await app.crm.get(
            actor,
            type,
            items.filter((i) => i.entity === type).map((i) => i.id),
          ),
        );
      }
      const { storedNotesToMarkdown } = await loadNotes();
      const shaped = new Map<string, Record<string, unknown>>();
      for (const [type, found] of byType) {
        const records = [...found.values()].map((r) => linked(ctx, masterData(r) as EntityRecord));
        const shape = { linked: args.linked, fields: args.fields };
        for (const r of await present(ctx, type, records, shape)) shaped.set(`${type}:${r.id}`, r);
      }
      const out: Record<string, unknown>[] = [];
      let bytes = 0;
      for (const [n, i] of items.entries()) {
        const r = byType.get(i.entity)!.get(i.id);
        let item: Record<string, unknown>;
        if (!r) item = { entity: i.entity, id: i.id, error: `No ${i.entity} with id "${i.id}" exists` };
        else {
          const data = { ...shaped.get(`${i.entity}:${i.id}`)! };
          if (i.include === "withNotes" && (!args.fields || args.fields.includes("notes")))
            data.notes = r.notes ? storedNotesToMarkdown(r.notes) || null : null;
          item = { entity: i.entity, id: i.id, record: data };
        }
        bytes += Buffer.byteLength(JSON.stringify(item));
        // Text and structured copies both travel: the cap holds for each.
        if (bytes > RESULT_BUDGET && out.length > 0) {
          return {
            items: out,
            remaining: items.slice(n).map((x) => x.id),
            note: `Stopped at ${out.length} of ${items.length} records to stay under 100 KB; call get_entities again with the ids in remaining${args.fields ? "" : ", or fewer fields"}.`,
          };
        }
        out.push(item);
      }
      return { items: out };
    },
  }),
  defineTool({
    name: "get_entity_history",
    toolset: "crm",
    title: "A record's history",
    description:
      "Who changed a record, when and what: its events newest first ({event, at, userId, changes}; notes as markdown), deleted records too.",
    input: historyQuery,
    output: listOutput,
    annotations: READ,
    handler: async (query, { app, actor }) => {
      const page = await app.history.forEntity(actor, query);
      if (!page.items.some((e) => e.changes?.notes)) return { ...page };
      const { storedNotesToMarkdown } = await loadNotes();
      const markdown = (n: unknown) => (n ? storedNotesToMarkdown(n) || null : null);
      return {
        ...page,
        items: page.items.map((e) => {
          const notes = e.changes?.notes;
          if (!notes) return e;
          const shown = { previous: markdown(notes.previous), current: markdown(notes.current) };
          return { ...e, changes: { ...e.changes, notes: shown } };
        }),
      };
    },
  }),
  ...createTools,
  ...updateTools,
  defineTool({
    name: "delete_entities",
    toolset: "crm",
    title: "Delete records",
    description:
      "Delete 1-100 records of one type. Irreversible: records, links and notes are gone. Every id must exist or nothing is deleted.",
    input: z.strictObject({ entity: entity.optional(), ids }),
    output: z.object({ deleted: z.array(z.string()) }),
    annotations: DESTRUCTIVE,
    handler: async ({ entity, ids }, { app, actor }) => ({
      deleted: await app.crm.delete(actor, entity ?? inferEntity(ids[0]!, "ids[0]"), ids),
    }),
  }),
  ...(["link", "unlink"] as const).map((mode) =>
    defineTool({
      name: `${mode}_entities`,
      toolset: "crm",
      title: mode === "link" ? "Link records" : "Unlink records",
      description:
        mode === "link"
          ? "Add links from one record to others, keeping the rest; shown on both sides. Returns the resulting id array."
          : "Remove some links from one record, keeping the rest. Returns the resulting id array.",
      input: z.strictObject({
        entity,
        id: idInput,
        relation: z.string().min(1).max(NAME_MAX_LENGTH).describe("An id array's name: organizationIds, ..."),
        ids,
      }),
      output: z.object({ id: z.string(), name: z.string(), relation: z.string(), ids: z.array(z.string()) }),
      annotations: IDEMPOTENT_WRITE,
      handler: async ({ entity, id, relation, ids }, ctx) => {
        const after = await ctx.app.crm.link(
          ctx.actor,
          entity,
          id,
          relation,
          ids,
          mode === "link" ? "add" : "remove",
        );
        // A deal holds its services as lines; their ids are the relation's array.
        const now =
          entity === "deal" && relation === "serviceIds"
            ? (after.services as { serviceId: string }[]).map((l) => l.serviceId)
            : (after[relation] as string[]);
        return { ...linked(ctx, { id, name: displayName(entity, after) }), relation, ids: now };
      },
    }),
  ),
  ...(["update", "append"] as const).map((mode) =>
    defineTool({
      name: `${mode}_entity_notes`,
      toolset: "crm",
      title: mode === "update" ? "Replace notes" : "Append to notes",
      description:
        mode === "update"
          ? "Replace the notes of 1-100 records with markdown; null clears them."
          : "Add markdown after the notes of 1-100 records, separated by a blank line.",
      input: z.strictObject({
        entity,
        items: z
          .array(
            z.strictObject({
              id: idInput,
              notes: (mode === "update"
                ? z.string().max(NOTES_MARKDOWN_MAX_BYTES).nullable()
                : z.string().min(1).max(NOTES_MARKDOWN_MAX_BYTES)) as z.ZodType<string | null>,
            }),
          )
          .min(1)
          .max(MAX_BATCH),
      }),
      output: updatedItems,
      // Replacing notes drops the old text.
      annotations: mode === "update" ? DESTRUCTIVE : WRITE,
      handler: async ({ entity, items }, ctx) => {
        const { appendNotes, markdownToNotes } = await loadNotes();
        return updated(ctx, entity, [...new Set(items.map((i) => i.id))], () =>
          ctx.app.crm.writeNotes(ctx.actor, entity, items, (old, next) =>
            mode === "update"
              ? next === null
                ? null
                : markdownToNotes(next as string)
              : appendNotes(old, next as string),
          ),
        );
      },
    }),
  ),
  defineTool({
    name: "update_entity_custom_fields",
    toolset: "crm",
    title: "Set custom field values",
    description:
      "Set custom field values on 1-100 records, each checked against its column's type. Other columns keep their values.",
    input: z.strictObject({
      entity,
      items: z.array(customFieldsItemInput).min(1).max(MAX_BATCH),
    }),
    output: updatedItems,
    annotations: IDEMPOTENT_WRITE,
    handler: async ({ entity, items }, ctx) =>
      updated(ctx, entity, [...new Set(items.map((i) => i.id))], () =>
        ctx.app.crm.setCustomFields(ctx.actor, entity, items),
      ),
  }),
];
