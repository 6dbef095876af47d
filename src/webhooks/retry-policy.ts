/**
 * What happens after a delivery attempt fails: retried when, given up, or the webhook
 * disabled. Pure: the clock and the randomness come in as arguments.
 *
 * The default policy, `none`, is the published contract: no automatic retries. `standard`
 * retries on the schedule Svix uses, each delay with ±20 % jitter, honouring `Retry-After`.
 */

export const RETRY_POLICIES = ["none", "standard"] as const;
export type RetryPolicy = (typeof RETRY_POLICIES)[number];

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Delays before the 2nd, 3rd, ... attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const STANDARD_SCHEDULE_MS: readonly number[] = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
];
export const JITTER = 0.2;
/** A receiver that says it is overloaded waits at least this long. */
export const THROTTLE_FLOOR_MS = MINUTE;
const THROTTLE_STATUSES: ReadonlySet<number | null> = new Set([429, 502, 503, 504]);
/** No wait, whatever `Retry-After` asks, is longer than a day. */
export const MAX_WAIT_MS = 24 * HOUR;
/** How long a webhook may fail every delivery before it is disabled, by default. */
export const AUTO_DISABLE_AFTER_MS = 5 * 24 * HOUR;

export interface FailedAttempt {
  statusCode: number | null;
  /** The `Retry-After` response header, as received. */
  retryAfter: string | null;
}

export type Verdict =
  | { kind: "give-up" }
  | { kind: "retry"; delayMs: number }
  | { kind: "disable"; reason: string };

export interface RetryContext {
  policy: RetryPolicy;
  /** Automatic attempts made so far in this chain, the first included (1 after the first). */
  attempts: number;
  schedule: readonly number[];
  now: number;
  /** A number in [0, 1), for the jitter. */
  random: number;
}

/** What to do after a failed attempt. */
export function afterFailure(failure: FailedAttempt, ctx: RetryContext): Verdict {
  if (ctx.policy === "none") return { kind: "give-up" };
  if (failure.statusCode === 410)
    return { kind: "disable", reason: "The receiver answered 410 Gone: it no longer wants these deliveries" };
  const base = ctx.schedule[ctx.attempts - 1];
  if (base === undefined) return { kind: "give-up" };
  let delay = Math.round(base * (1 - JITTER + 2 * JITTER * ctx.random));
  if (THROTTLE_STATUSES.has(failure.statusCode)) delay = Math.max(delay, THROTTLE_FLOOR_MS);
  delay = Math.max(delay, parseRetryAfter(failure.retryAfter, ctx.now) ?? 0);
  return { kind: "retry", delayMs: Math.min(delay, MAX_WAIT_MS) };
}

/** `Retry-After` as milliseconds from `now`: delta seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * SECOND;
  // An HTTP date names its weekday and "GMT"; Date.parse alone would take far looser text.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

const UNITS = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: 24 * HOUR } as const;

/** A duration such as `100ms`, `5s`, `30m`, `2h` or `5d`. Throws a message naming the setting. */
export function parseDuration(text: string, name: string): number {
  const m = /^(\d{1,9})(ms|s|m|h|d)$/.exec(text.trim());
  if (!m)
    throw new Error(`${name}: "${text.slice(0, 20)}" is not a duration; write e.g. 100ms, 5s, 30m, 2h or 5d`);
  return Number(m[1]) * UNITS[m[2] as keyof typeof UNITS];
}

/**
 * The schedule from `CRM_WEBHOOK_RETRY_SCHEDULE`: comma-separated delays such as
 * `100ms,200ms,400ms` or `5s,5m,30m,2h`. Throws a message naming the setting.
 */
export function parseSchedule(text: string, name = "CRM_WEBHOOK_RETRY_SCHEDULE"): number[] {
  const parts = text.split(",");
  if (parts.length > 20) throw new Error(`${name} must list 1 to 20 delays, e.g. 5s,5m,30m,2h`);
  return parts.map((p) => {
    const ms = parseDuration(p, name);
    if (ms > MAX_WAIT_MS) throw new Error(`${name}: "${p.trim()}" is longer than 24h`);
    return ms;
  });
}

/** Whether a webhook that has failed every delivery since `failingSince` is now disabled. */
export function shouldAutoDisable(failingSince: string | null, now: number, afterMs: number): boolean {
  // Stryker disable next-line ConditionalExpression: equivalent, Date.parse(null) is NaN and NaN >= n is false
  if (!failingSince) return false;
  return now - Date.parse(failingSince) >= afterMs;
}
