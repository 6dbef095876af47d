import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

/** Where a Chromium is looked for, in order: the variable, Debian's path, then names on PATH. */
const CANDIDATES = ["/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | null {
  try {
    return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

/**
 * The Chromium the UI tests drive. Throws one line that says how to get one, so a machine
 * without a browser fails the UI suite plainly instead of skipping it.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.CRM_TEST_CHROMIUM;
  if (chosen) {
    if (executable(chosen)) return chosen;
    throw new Error(
      `CRM_TEST_CHROMIUM=${chosen} is not an executable file: point it at a Chromium or Chrome binary`,
    );
  }
  for (const candidate of CANDIDATES) {
    const path = candidate.startsWith("/") ? (executable(candidate) ? candidate : null) : onPath(candidate);
    if (path) return path;
  }
  throw new Error(
    "No Chromium for the UI tests: install one (Debian: apt-get install chromium) or set CRM_TEST_CHROMIUM to a Chromium or Chrome binary",
  );
}
