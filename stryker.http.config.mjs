// The mutation run over the HTTP face with its own tests only:
// `npx stryker run stryker.http.config.mjs --mutate src/http/server.ts`. Same incremental
// file as `npm run test:mutation`; a mutant that only a test outside this set kills shows
// as surviving here.
import full from "./stryker.config.mjs";

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...full,
  vitest: { ...full.vitest, configFile: "vitest.mutation.http.config.ts" },
};
