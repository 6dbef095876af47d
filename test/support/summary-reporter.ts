import type { Reporter, SerializedError, TestModule } from "vitest/node";

export interface RunSummary {
  passed: number;
  /** Failed tests, plus each file or block that failed to start, plus each error outside a test. */
  failed: number;
  /** Tests marked `skip` or `todo` on purpose. */
  skipped: number;
  /** Tests that never ran because their file or block failed to start. */
  notRun: number;
  /** One line per file or block that failed to start, and per error outside a test. */
  problems: string[];
}

function firstLine(message: string | undefined): string {
  return (message ?? "unknown error").split("\n", 1)[0] ?? "";
}

/**
 * Counts a run so that its summary never reads better than the run: a file whose import or
 * `beforeAll` throws is a failure, and the tests it held are "not run", never "skipped".
 */
export function summarize(
  modules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<SerializedError> = [],
): RunSummary {
  const summary: RunSummary = { passed: 0, failed: 0, skipped: 0, notRun: 0, problems: [] };
  for (const m of modules) {
    const blocks = [m, ...m.children.allSuites()];
    for (const block of blocks) {
      const errors = block.errors();
      if (errors.length === 0) continue;
      summary.failed++;
      const where = block.type === "module" ? m.moduleId : `${m.moduleId} > ${block.fullName}`;
      summary.problems.push(`failed to start: ${where}: ${firstLine(errors[0]?.message)}`);
    }
    for (const t of m.children.allTests()) {
      const state = t.result().state;
      if (state === "passed") summary.passed++;
      else if (state === "failed") summary.failed++;
      else if (t.options.mode === "skip" || t.options.mode === "todo") summary.skipped++;
      else summary.notRun++;
    }
  }
  for (const error of unhandledErrors) {
    summary.failed++;
    summary.problems.push(`error outside a test: ${firstLine(error.message)}`);
  }
  return summary;
}

export function summaryLine(s: RunSummary): string {
  const parts = [`${s.passed} passed`, `${s.failed} failed`];
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  if (s.notRun) parts.push(`${s.notRun} not run`);
  return parts.join(", ");
}

/** Ends the run with one plain line, `N passed, N failed`, for tools that read only the last line. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>) {
    const summary = summarize(modules, unhandledErrors);
    const problems = summary.problems.map((p) => `${p}\n`).join("");
    process.stdout.write(`\n${problems}${summaryLine(summary)}\n`);
  }
}
