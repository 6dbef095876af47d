/**
 * A webhook's health at a glance, from hourly counts of finished deliveries: the share that
 * succeeded over the last day and week, and the last day hour by hour. Pure: the store
 * counts, this decides what the counts say.
 */
import type { HourlyDeliveryCount } from "../store/index.js";

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

/** The share that succeeded, or null when nothing finished. */
export function successRate(t: Tally): number | null {
  const all = t.succeeded + t.failed;
  return all === 0 ? null : t.succeeded / all;
}

/** Health per webhook id; every id given gets an entry, with zeros when it sent nothing. */
export function webhookHealth(
  webhookIds: readonly string[],
  counts: readonly HourlyDeliveryCount[],
  now: number,
): Map<string, WebhookHealth> {
  const hourKeys: string[] = [];
  for (let i = 23; i >= 0; i--) hourKeys.push(hourOf(now - i * HOUR_MS));
  const firstDayHour = hourKeys[0]!;
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
    health.week[c.status] += c.n;
    if (c.hour >= firstDayHour) {
      health.day[c.status] += c.n;
      const slot = health.hours.find((h) => h.hour === c.hour);
      if (slot) slot[c.status] += c.n;
    }
  }
  return out;
}
