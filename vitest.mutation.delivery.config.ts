import { narrowedTo } from "./vitest.mutation.config.js";

/**
 * The mutation run's suite narrowed to the tests of the delivery core and tenants (the
 * outbox, the dispatcher and its policy, the tenant store): a run over those files in a
 * fraction of the time, for a busy machine. `stryker.delivery.config.mjs` uses it.
 */
export default narrowedTo([
  "test/store/**/*.test.ts",
  "test/webhooks/outbox.test.ts",
  "test/webhooks/fanout.test.ts",
  "test/webhooks/dispatcher*.test.ts",
  "test/webhooks/retries.test.ts",
  "test/webhooks/endpoint-slots.test.ts",
  "test/webhooks/resend-bound.test.ts",
  "test/webhooks/secrets.test.ts",
  "test/webhooks/since-minutes.test.ts",
  "test/tenants.test.ts",
  "test/api-keys.test.ts",
  "test/crm.test.ts",
]);
