import { z } from "zod";
import {
  CREATE_INPUTS,
  customFieldsItemInput,
  filtersInput,
  MAX_SEARCH_TERM,
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
import { cursorInput, idInput, NAME_MAX_LENGTH } from "../../domain/validate.js";
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

const ids = idsInput;

const createTools = ENTITY_TYPES.map((type) => {
  const plural = ENTITIES[type].plural;
  return defineTool({
    name: `create_${plural}`,
    toolset: "crm",
    title: `Create ${plural}`,
    description: `Create 1-100 ${plural}; relationship arrays take existing ids, notes are markdown. All or nothing.`,
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
    description: `Change 1-100 ${plural}, only the fields given; a relationship array replaces all links (link_entities/unlink_entities change some). All or nothing.`,
    input: z.strictObject({ [plural]: z.array(UPDATE_INPUTS[type]).min(1).max(MAX_BATCH) }),
    output: namedItems,
    // A relationship array given replaces every link: what it leaves out is gone.
    annotations: DESTRUCTIVE,
    handler: async (args, ctx) =>
      named(ctx, type, await ctx.app.crm.update(ctx.actor, type, args[plural] as unknown[])),
  });
});

export const crmTools: ToolDefinition[] = [
  defineTool({
    name: "get_entity_configuration",
    toolset: "crm",
    title: "Describe an entity type",
    description:
      "An entity type's fields, relationship arrays and custom columns, with the filter operators each takes. Call it before filter_entity or update_entity_custom_fields.",
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
      "List records of one entity type by searchTerm (words of names, emails, phones, domains) and filters, sorted, paged. Notes are left out (get_entities withNotes reads them).",
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
      ...page,
    }),
    output: listOutput,
    annotations: READ,
    handler: async ({ entity, ...query }, ctx) => {
      const result = await ctx.app.crm.find(ctx.actor, entity, query);
      return { ...result, items: result.items.map((r) => linked(ctx, masterData(r) as EntityRecord)) };
    },
  }),
  defineTool({
    name: "count_entity",
    toolset: "crm",
    title: "Count records",
    description:
      "Count the records of one entity type that match a searchTerm and filters (same rules as filter_entity).",
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
      "Search names, emails, phones and domains across entity types at once (a full name works); returns the best few of each type. Use it to find an id when you only know a name.",
    input: z.strictObject({
      searchTerm: z.string().min(1).max(MAX_SEARCH_TERM),
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
      'Read up to 100 records by entity and id: "masterData" (fields, links, custom values) or "withNotes" (plus notes as markdown). An unknown id gets an error item.',
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
    }),
    output: z.object({ items: z.array(record) }),
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
      return {
        items: items.map((i) => {
          const r = byType.get(i.entity)!.get(i.id);
          if (!r) return { entity: i.entity, id: i.id, error: `No ${i.entity} with id "${i.id}" exists` };
          const data: Record<string, unknown> = linked(ctx, masterData(r) as EntityRecord);
          if (i.include === "withNotes") data.notes = r.notes ? storedNotesToMarkdown(r.notes) || null : null;
          return { entity: i.entity, id: i.id, record: data };
        }),
      };
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
      "Delete 1-100 records of one entity type. Irreversible: records, links and notes are gone; linked records lose the link. Every id must exist or nothing is deleted.",
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
          ? "Add links from one record to others, keeping existing ones; relation names the id array (organizationIds on a contact). Links show on both sides."
          : "Remove some links from one record, keeping the rest; relation names the id array (organizationIds on a contact).",
      input: z.strictObject({
        entity,
        id: idInput,
        relation: z
          .string()
          .min(1)
          .max(NAME_MAX_LENGTH)
          .describe("An id array's name: organizationIds, dealIds, ..."),
        ids,
      }),
      output: namedItems,
      annotations: IDEMPOTENT_WRITE,
      handler: async ({ entity, id, relation, ids }, ctx) =>
        named(ctx, entity, [
          await ctx.app.crm.link(ctx.actor, entity, id, relation, ids, mode === "link" ? "add" : "remove"),
        ]),
    }),
  ),
  ...(["update", "append"] as const).map((mode) =>
    defineTool({
      name: `${mode}_entity_notes`,
      toolset: "crm",
      title: mode === "update" ? "Replace notes" : "Append to notes",
      description:
        mode === "update"
          ? "Replace the notes of 1-100 records with markdown (headings, lists, task lists, tables, links); null clears them."
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
      output: namedItems,
      // Replacing notes drops the old text.
      annotations: mode === "update" ? DESTRUCTIVE : WRITE,
      handler: async ({ entity, items }, ctx) => {
        const { appendNotes, markdownToNotes } = await loadNotes();
        return named(
          ctx,
          entity,
          await ctx.app.crm.writeNotes(ctx.actor, entity, items, (old, next) =>
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
      "Set custom field values on 1-100 records, each checked against its column's type (null clears); columnId from get_entity_configuration. Other columns keep their values.",
    input: z.strictObject({
      entity,
      items: z.array(customFieldsItemInput).min(1).max(MAX_BATCH),
    }),
    output: namedItems,
    annotations: IDEMPOTENT_WRITE,
    handler: async ({ entity, items }, ctx) =>
      named(ctx, entity, await ctx.app.crm.setCustomFields(ctx.actor, entity, items)),
  }),
];
