import { narrowedTo } from "./vitest.mutation.config.js";

/**
 * The mutation run's suite narrowed to the tests of the HTTP face's guards (keys, Host and
 * Origin, SSE sessions, OAuth refusals, UI sessions and CSRF, REST auth, health and metrics):
 * a run over `src/http/server.ts` in a fraction of the time. `stryker.http.config.mjs` uses it.
 */
export default narrowedTo([
  "test/mcp/http-guards.test.ts",
  "test/mcp/http.test.ts",
  "test/mcp/http-pool.test.ts",
  "test/mcp/sse-sessions.test.ts",
  "test/mcp/local-origin.test.ts",
  "test/mcp/hardening.test.ts",
  "test/mcp/record-urls.test.ts",
  "test/oauth/start.test.ts",
  "test/oauth/refusals.test.ts",
  "test/oauth/flow.test.ts",
  "test/telemetry.test.ts",
  "test/ui/guards.test.ts",
  "test/ui/sessions.test.ts",
  "test/ui/read-only.test.ts",
  "test/api/rest.test.ts",
  "test/mcp/http-face.test.ts",
  "test/mcp/metrics-server.test.ts",
  "test/mcp/request-log.test.ts",
]);
