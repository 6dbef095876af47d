export * from "./crm.js";
export * from "./tenants.js";
export * from "./webhooks.js";
