import { createHash } from "node:crypto";
import type { Actor } from "../../events/recorder.js";
import type { Store } from "../../store/api.js";
import type { Logger } from "../../telemetry/log.js";
import { type Problem, problem } from "./problem.js";

/** How long an answer is replayed for its key. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * How long a request being answered holds its key. A reservation older than this was left by
 * a process that stopped or a store that failed before the answer was kept: a repeat takes
 * the key over instead of waiting for the whole day.
 */
export const IDEMPOTENCY_LEASE_MS = 2 * 60 * 1000;
/** Keys are the caller's own words (a UUID, an order number): bounded so that they stay keys. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
const PRINTABLE = /^[\x21-\x7e]+$/;
/** Expired answers are cleared at most this often by each process. */
const PURGE_EVERY_MS = 60_000;

export interface Answer {
  status: number;
  body: string;
  /** The media type of `body`. */
  type: string;
}

export type Outcome =
  | { kind: "fresh"; finish(answer: Answer): Promise<void>; abandon(): Promise<void> }
  | { kind: "replay"; answer: Answer }
  | { kind: "refused"; problem: Problem; retryAfter?: number };

const FIELD = "Idempotency-Key";

/** The key's problem, or null when it is a key this server keeps. */
export function checkKey(key: string): Problem | null {
  if (key.length <= IDEMPOTENCY_KEY_MAX_LENGTH && PRINTABLE.test(key)) return null;
  const message = `must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters without spaces (a UUID fits)`;
  return problem(400, `${FIELD}: ${message}`, [{ field: FIELD, message }]);
}

/**
 * Idempotency-Key on POST: the first request with a key is answered and its answer kept for
 * 24 hours in the store, so that any node replays it for a repeat with the same method, path
 * and body. The same key with another request is refused (422); a repeat that arrives while
 * the first is still being answered is told to wait (409 with Retry-After); a reservation
 * older than IDEMPOTENCY_LEASE_MS is taken over by the repeat. An answer of 5xx is not kept: the
 * request may be sent again with the same key.
 */
export class Idempotency {
  private lastPurge = 0;
  private readonly leaseMs: number;
  private readonly logger: Logger | undefined;
  private readonly base: string;

  /**
   * `leaseMs`: IDEMPOTENCY_LEASE_MS unless a test needs a lease that lapses sooner. `logger`
   * hears of an answer that came too late to be kept; `base` is the path the API's routes
   * are below, for that line.
   */
  constructor(
    private readonly store: Store,
    options: { leaseMs?: number; logger?: Logger; base?: string } = {},
  ) {
    this.leaseMs = options.leaseMs ?? IDEMPOTENCY_LEASE_MS;
    this.logger = options.logger;
    this.base = options.base ?? "";
  }

  async begin(actor: Actor, key: string, method: string, path: string, body: Buffer): Promise<Outcome> {
    const fingerprint = createHash("sha256").update(`${method} ${path}\n`).update(body).digest("hex");
    const now = Date.now();
    const expiredBefore = now - IDEMPOTENCY_TTL_MS;
    const { companyId, userId } = actor;
    await this.purge(now, expiredBefore);
    // A repeat is read, not written: only a key seen for the first time costs a write.
    const seen = await this.store.read((tx) => tx.idempotency.get(companyId, userId, key));
    const row = { companyId, userId, key, fingerprint, status: null, response: null, createdAt: now };
    const lapsed = (r: { status: number | null; createdAt: number }) =>
      r.status === null && r.createdAt < now - this.leaseMs;
    const held =
      seen && seen.createdAt >= expiredBefore && !lapsed(seen)
        ? seen
        : await this.store.write(async (tx) => {
            const current = await tx.idempotency.get(companyId, userId, key);
            // A lapsed reservation is cleared like an expired answer: only this key's row of that age.
            const clearBefore = current && lapsed(current) ? current.createdAt + 1 : expiredBefore;
            if (await tx.idempotency.reserve(row, clearBefore)) return null;
            return (await tx.idempotency.get(companyId, userId, key)) ?? null;
          });
    if (!held) {
      // This request's reservation is the row created now: past its lease another request may
      // hold the key, and only the row that is still this one's is answered or freed.
      const release = () => this.store.write((tx) => tx.idempotency.release(companyId, userId, key, now));
      return {
        kind: "fresh",
        finish: async (answer) => {
          if (answer.status >= 500) return release();
          const stored = JSON.stringify(answer);
          const kept = await this.store.write((tx) =>
            tx.idempotency.complete(companyId, userId, key, now, answer.status, stored),
          );
          // The caller still gets its answer; a repeat with the key does not (the key's value
          // itself is the caller's and stays out of the log).
          // The path only: a query string may carry values that do not belong in a log.
          const route = `${this.base}${path.split("?", 1)[0]}`;
          if (!kept)
            this.logger?.warn(
              { method, route, status: answer.status, leaseMs: this.leaseMs },
              `Idempotency-Key: the answer to ${method} ${route} was not stored, as the request outlived its ${this.leaseMs} ms lease`,
            );
        },
        abandon: release,
      };
    }
    if (held.fingerprint !== fingerprint) {
      const message =
        "was already used with a different request (method, path or body); send a new key for a new request";
      return { kind: "refused", problem: problem(422, `${FIELD}: ${message}`, [{ field: FIELD, message }]) };
    }
    if (held.status === null || held.response === null) {
      const message = "a request with this key is still being answered; send it again in a moment";
      const left = Math.max(1, Math.ceil((held.createdAt + this.leaseMs - now) / 1000));
      return {
        kind: "refused",
        problem: problem(409, `${FIELD}: ${message}`, [{ field: FIELD, message }]),
        retryAfter: Math.min(left, Math.ceil(this.leaseMs / 1000)),
      };
    }
    return { kind: "replay", answer: JSON.parse(held.response) as Answer };
  }

  private async purge(now: number, before: number): Promise<void> {
    if (now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    await this.store.write((tx) => tx.idempotency.deleteExpired(before));
  }
}
