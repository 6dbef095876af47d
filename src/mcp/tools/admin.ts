import { z } from "zod";
import { columnCreateInput, columnUpdateInput } from "../../crm/inputs.js";
import { ENTITY_TYPES } from "../../domain/model.js";
import { idInput } from "../../domain/validate.js";
import { DESTRUCTIVE, defineTool, IDEMPOTENT_WRITE, READ, type ToolDefinition, WRITE } from "../registry.js";

const record = z.record(z.string(), z.unknown());

export const adminTools: ToolDefinition[] = [
  defineTool({
    name: "list_custom_columns",
    toolset: "admin",
    title: "List custom columns",
    description:
      "List the company's custom columns (id, entityType, label, type, options), optionally for one entity type.",
    input: z.strictObject({ entityType: z.enum(ENTITY_TYPES).optional() }),
    output: z.object({ items: z.array(record) }),
    annotations: READ,
    handler: async ({ entityType }, { app, actor }) => ({
      items: await app.crm.listColumns(actor, entityType),
    }),
  }),
  defineTool({
    name: "create_custom_column",
    toolset: "admin",
    title: "Create a custom column",
    description:
      "Add a custom field to an entity type; its values are checked against its type, and a singleSelect needs options.",
    input: columnCreateInput,
    output: z.looseObject({}),
    annotations: WRITE,
    handler: async (args, { app, actor }) => ({ ...(await app.crm.createColumn(actor, args)) }),
  }),
  defineTool({
    name: "update_custom_column",
    toolset: "admin",
    title: "Change a custom column",
    description:
      "Rename a custom column or change a singleSelect's options (id deal.stage: the deal stages, in order). Its type cannot change: create a new one.",
    input: columnUpdateInput,
    output: z.looseObject({}),
    annotations: IDEMPOTENT_WRITE,
    handler: async (args, { app, actor }) => ({ ...(await app.crm.updateColumn(actor, args)) }),
  }),
  defineTool({
    name: "delete_custom_column",
    toolset: "admin",
    title: "Delete a custom column",
    description:
      "Delete a custom column and every value stored in it. Irreversible; each record that held a value emits *.updated.",
    input: z.strictObject({ id: idInput }),
    output: z.object({ deleted: z.array(z.string()) }),
    annotations: DESTRUCTIVE,
    handler: async ({ id }, { app, actor }) => ({ deleted: [await app.crm.deleteColumn(actor, id)] }),
  }),
  defineTool({
    name: "get_current_user",
    toolset: "admin",
    title: "Who am I",
    description:
      "The user this connection acts as (the API key's user); its id is the userId of every event this connection causes.",
    input: z.strictObject({}),
    output: z.looseObject({}),
    annotations: READ,
    handler: async (_args, { app, actor }) => ({ ...(await app.tenants.currentUser(actor)) }),
  }),
  defineTool({
    name: "list_users",
    toolset: "admin",
    title: "List users",
    description: "The company's users; their ids go in userIds arrays.",
    input: z.strictObject({}),
    output: z.object({ items: z.array(record) }),
    annotations: READ,
    handler: async (_args, { app, actor }) => ({ items: await app.tenants.users(actor) }),
  }),
  defineTool({
    name: "get_company",
    toolset: "admin",
    title: "Current company",
    description: "The company (tenant) this connection works in.",
    input: z.strictObject({}),
    output: z.looseObject({}),
    annotations: READ,
    handler: async (_args, { app, actor }) => ({ ...(await app.tenants.company(actor)) }),
  }),
];
