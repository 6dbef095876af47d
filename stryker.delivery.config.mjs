// The mutation run over the delivery core and tenants with their own tests only:
// `npx stryker run stryker.delivery.config.mjs --mutate <file[:lines]>`. Same incremental
// file as `npm run test:mutation`; a mutant that only a test outside this set kills shows
// as surviving here.
import full from "./stryker.config.mjs";

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...full,
  vitest: { ...full.vitest, configFile: "vitest.mutation.delivery.config.ts" },
};
