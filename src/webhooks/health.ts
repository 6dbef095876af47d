/**
 * A webhook's health at a glance, from hourly counts of finished deliveries: the share that
 * succeeded over the last day and week, and the last day hour by hour; on its own page, the
 * durations and error classes of its latest deliveries too. Pure: the store counts, this
 * decides what the counts say.
 */
import type { FinishedDelivery, HourlyDeliveryCount } from "../store/index.js";

export interface Tally {
  succeeded: number;
  failed: number;
}

export interface HourTally extends Tally {
  /** The hour's start, `2026-12-03T05` (UTC). */
  hour: string;
}

export interface WebhookHealth {
  day: Tally;
  week: Tally;
  /** The last 24 hours, oldest first, the current hour last. */
  hours: HourTally[];
}

const HOUR_MS = 60 * 60 * 1000;
export const HEALTH_WEEK_MS = 7 * 24 * HOUR_MS;

/** `2026-12-03T05`: the UTC hour an ISO time falls in, as the store groups by it. */
export function hourOf(time: number): string {
  return new Date(time).toISOString().slice(0, 13);
}

/** Where a week of hourly counts starts: the start of the hour 167 hours before now's. */
export function weekStart(now: number): string {
  return new Date(Math.floor(now / HOUR_MS) * HOUR_MS - (7 * 24 - 1) * HOUR_MS).toISOString();
}

/** The first of the last 24 hours, the current one last: from it on, counts are kept by hour. */
export function dayStart(now: number): string {
  return hourOf(now - 23 * HOUR_MS);
}

/** The share that succeeded, or null when nothing finished. */
export function successRate(t: Tally): number | null {
  const all = t.succeeded + t.failed;
  return all === 0 ? null : t.succeeded / all;
}

/**
 * Health per webhook id; every id given gets an entry, with zeros when it sent nothing.
 * Counts before the day may come summed, under any hour before it ("").
 */
export function webhookHealth(
  webhookIds: readonly string[],
  counts: readonly HourlyDeliveryCount[],
  now: number,
): Map<string, WebhookHealth> {
  const hourKeys: string[] = [];
  for (let i = 23; i >= 0; i--) hourKeys.push(hourOf(now - i * HOUR_MS));
  const firstDayHour = dayStart(now);
  const out = new Map<string, WebhookHealth>();
  for (const id of webhookIds) {
    out.set(id, {
      day: { succeeded: 0, failed: 0 },
      week: { succeeded: 0, failed: 0 },
      hours: hourKeys.map((hour) => ({ hour, succeeded: 0, failed: 0 })),
    });
  }
  for (const c of counts) {
    const health = out.get(c.webhookId);
    if (!health) continue;
    add(health.week, c);
    if (c.hour >= firstDayHour) {
      add(health.day, c);
      const slot = health.hours.find((h) => h.hour === c.hour);
      if (slot) add(slot, c);
    }
  }
  return out;
}

function add(t: Tally, c: Tally) {
  t.succeeded += c.succeeded;
  t.failed += c.failed;
}

/** How many of a webhook's latest finished deliveries its page sums up. */
export const LATEST_DELIVERIES = 1000;

export interface ErrorClassCount {
  errorClass: string;
  n: number;
}

/** A webhook's page: its health, and what its latest finished deliveries of the week say. */
export interface WebhookFigures extends WebhookHealth {
  /** How many finished deliveries the figures below are of (at most LATEST_DELIVERIES). */
  latest: number;
  /** Duration percentiles in milliseconds, by nearest rank; null when none was timed. */
  p50Ms: number | null;
  p99Ms: number | null;
  /** The failures among them by error class, most first (ties by name). */
  errorClasses: ErrorClassCount[];
}

/** The nearest-rank percentile: the smallest value with at least p % of the values at or below it. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** A failure the sender could not classify still counts, under this name. */
export const UNCLASSIFIED = "unclassified";

export function webhookFigures(
  webhookId: string,
  counts: readonly HourlyDeliveryCount[],
  latest: readonly FinishedDelivery[],
  now: number,
): WebhookFigures {
  const health = webhookHealth([webhookId], counts, now).get(webhookId)!;
  const durations = latest
    .map((d) => d.durationMs)
    .filter((ms): ms is number => ms !== null)
    .sort((a, b) => a - b);
  const classes = new Map<string, number>();
  for (const d of latest) {
    if (d.status !== "failed") continue;
    const name = d.errorClass ?? UNCLASSIFIED;
    classes.set(name, (classes.get(name) ?? 0) + 1);
  }
  return {
    ...health,
    latest: latest.length,
    p50Ms: percentile(durations, 50),
    p99Ms: percentile(durations, 99),
    errorClasses: [...classes]
      .map(([errorClass, n]) => ({ errorClass, n }))
      .sort((a, b) => b.n - a.n || (a.errorClass < b.errorClass ? -1 : a.errorClass > b.errorClass ? 1 : 0)),
  };
}
