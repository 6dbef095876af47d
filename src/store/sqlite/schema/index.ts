export * from "./crm.js";
export * from "./oauth.js";
export * from "./tenants.js";
export * from "./webhooks.js";

import type {
  ApiKey,
  Company,
  Equal,
  EventRow,
  IdempotencyRow,
  OAuthRecordRow,
  SessionRow,
  StoredDeliveryRow,
  User,
  WebhookRow,
} from "../../rows.js";
import type * as s from "./index.js";

// The rows this engine returns are the rows the store's API promises.
type Check<T extends true> = T;
export type SchemaMatchesRows = [
  Check<Equal<typeof s.companies.$inferSelect, Company>>,
  Check<Equal<typeof s.users.$inferSelect, User>>,
  Check<Equal<typeof s.apiKeys.$inferSelect, ApiKey>>,
  Check<Equal<typeof s.events.$inferSelect, EventRow>>,
  Check<Equal<typeof s.webhooks.$inferSelect, WebhookRow>>,
  Check<Equal<typeof s.webhookDeliveries.$inferSelect, StoredDeliveryRow>>,
  Check<Equal<typeof s.sessions.$inferSelect, SessionRow>>,
  Check<Equal<typeof s.oauthRecords.$inferSelect, OAuthRecordRow>>,
  Check<Equal<typeof s.idempotencyKeys.$inferSelect, IdempotencyRow>>,
];
