// Mutation testing of the security and delivery core: `npm run test:mutation`.
// Incremental: the results of the last run are kept in `stryker-incremental.json` (committed),
// so a run after a small change tests only the mutants it touches.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  coverageAnalysis: "perTest",
  mutate: [
    "src/webhooks/url-policy.ts",
    "src/webhooks/signing.ts",
    "src/webhooks/verify.ts",
    "src/http/server.ts",
    "src/http/ui/sessions.ts",
    "src/http/ui/forms.ts",
    "src/tenants/service.ts",
    "src/store/tenants.ts",
    // The fan-out, claim, lease, record and release queries of the outbox.
    "src/store/webhooks.ts:127-335",
    "src/webhooks/dispatcher.ts",
    // The dispatcher's policy: when a failed attempt is retried, and how many slots a webhook gets.
    "src/webhooks/retry-policy.ts",
    "src/webhooks/endpoint-slots.ts",
  ],
  // Static mutants (module-level constants) would rerun every test for each; their values
  // are held by tests of their own (limits, header names).
  ignoreStatic: true,
  incremental: true,
  incrementalFile: "stryker-incremental.json",
  // Two cores shared with other work: one test process at a time.
  concurrency: 1,
  timeoutMS: 10_000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
