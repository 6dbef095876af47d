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
    "src/store/sqlite/tenants.ts",
    // The SQLite outbox: fan-out (recordEvents), claim, renewLeases, complete (record) with
    // insertLaterAttempt, and release. A range, as these are one contiguous block; the rest
    // of the file is reads for people (lists, figures). Line ranges move when the file
    // changes: after an edit, check that it still runs from recordEvents to release.
    "src/store/sqlite/webhooks.ts:118-472",
    // What both engines share of it: the counts a write reports (wakes the dispatcher) and
    // the hourly outcome counts recorded with each batch.
    "src/store/api.ts:458-470",
    "src/store/api.ts:555-574",
    // The dispatcher's policy, not its plumbing (timers, send, batch writes): which claims
    // the local claimer takes, which rows it holds (renewed, and kept from its own claims),
    // how much a claim asks for and which webhooks it skips, when to claim again, the send
    // bounds, slots per webhook, and retry or disable after a failure. Line ranges move when
    // the file changes: after an edit, check that they still start at `take:`, `heldIds`,
    // `get maxHeld`, `startSends`, `slotsOf` and the `!sent.ok` branch.
    "src/webhooks/dispatcher.ts:145-155",
    "src/webhooks/dispatcher.ts:258-264",
    "src/webhooks/dispatcher.ts:267-355",
    "src/webhooks/dispatcher.ts:370-379",
    "src/webhooks/dispatcher.ts:402-413",
    "src/webhooks/dispatcher.ts:467-487",
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
  // The initial run (every in-process test, with coverage per test) takes over five minutes,
  // Stryker's default limit, on a loaded machine.
  dryRunTimeoutMinutes: 20,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 80, break: null },
  // Only the code under mutation needs `// @ts-nocheck`; a test that compares a generated file
  // with its source must see the files as they are.
  disableTypeChecks: "src/**/*.ts",
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
