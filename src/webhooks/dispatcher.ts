import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { newId } from "../domain/ids.js";
import type {
  ClaimedDelivery,
  ClaimedRow,
  DeliveryOutcome,
  DeliveryResult,
  Store,
  WriteOptions,
} from "../store/index.js";
import { refusedByDatabase } from "../store/index.js";
import { VERSION } from "../version.js";
import { INITIAL_SLOTS, slotsAfter } from "./endpoint-slots.js";
import { AUTO_DISABLE_AFTER_MS, afterFailure, STANDARD_SCHEDULE_MS } from "./retry-policy.js";
import { buildDeliveryHeaders } from "./signing.js";
import type { Resolver } from "./url-policy.js";

/**
 * Deliveries one process holds at most, in flight and queued. Each webhook holds at most a
 * few times its concurrency, so a receiver that never answers ties up its own share and
 * no one else's.
 */
const MAX_HELD = 1024;

/** Outcomes are recorded in batches of up to this many, at most this long after the answer. */
const RECORD_BATCH = 64;
const RECORD_DELAY_MS = 10;

/**
 * The outbox's own writes are each one statement where the engine can make them so: no BEGIN
 * and COMMIT round trips. Each is safe to run again after a lost answer: a batch of outcomes,
 * a lease renewal and a release touch only rows this worker still holds, and a claim run
 * again takes other rows, while those of the first run lapse (they are not held) and are
 * claimed later.
 */
const ONE_STATEMENT: WriteOptions = { oneStatement: true };

let sendModule: Promise<typeof import("./send.js")> | undefined;

export interface DispatcherOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** Sends in flight at once, over all receivers. */
  concurrency?: number;
  /** Sends in flight at once to one webhook, so a slow receiver cannot starve the rest. */
  perWebhookConcurrency?: number;
  /** How often to look for rows that another process wrote. */
  pollMs?: number;
  /** How long a claim holds before another process may take it over. */
  leaseMs?: number;
  workerId?: string;
  resolver?: Resolver;
  /** Extra trusted certificate authority (PEM), for tests and private receivers. */
  ca?: string;
  /** Delays between automatic attempts of webhooks with the `standard` retry policy. */
  retrySchedule?: readonly number[];
  /** A webhook whose every delivery has failed for this long is disabled. */
  autoDisableAfterMs?: number;
  log?: (message: string) => void;
  /** Told each outcome as it is known (metrics, logs): must be cheap, it runs on the send path. */
  onOutcome?: (delivery: ClaimedRow, result: DeliveryResult) => void;
}

/**
 * Sends the outbox. Wakes right after a commit that wrote deliveries, and polls now and
 * then for rows other processes wrote. Each row is claimed with a lease by one atomic write
 * (prepare), POSTed once (call), and its outcome recorded (record). Automatic retries only
 * for webhooks whose retry policy asks for them; otherwise a failed delivery stays failed
 * until someone resends it.
 */
export class Dispatcher {
  readonly workerId: string;
  private readonly opts: Required<
    Omit<DispatcherOptions, "resolver" | "ca" | "log" | "workerId" | "onOutcome">
  >;
  /** When the retries this process scheduled are due, and the timer set for the earliest. */
  private readonly retryTimes: number[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly perWebhook = new Map<string, number>();
  /** Send slots each webhook has earned (see endpoint-slots.ts); absent means the initial few. */
  private readonly slots = new Map<string, number>();
  private readonly waiting = new Map<string, ClaimedDelivery[]>();
  /**
   * Webhooks that may have due deliveries in the outbox: rows this process had no room to
   * take from a write, or more than its last claim could hold. New deliveries of such a
   * webhook wait their turn in the outbox too: taking them straight from the write would
   * send them ahead of older ones.
   */
  private readonly backlogged = new Set<string>();
  /** The last claim filled all the room there was, so any webhook may have more due rows. */
  private more = false;
  /**
   * A claim ended a webhook's backlog. A write that declined one of its deliveries before
   * that claim looked, and committed after, left a row the claim could not see; when such a
   * write reports its declined rows, a claim takes them at once, not at the next poll,
   * while the webhook's newer deliveries go straight out.
   */
  private backlogEnded = false;
  private readonly settledEmitter = new EventEmitter();
  private results: DeliveryOutcome[] = [];
  /** The batch of outcomes `flush` is writing now. */
  private recording: DeliveryOutcome[] = [];
  /** Answers in hand whose outcome is not written yet: queued in `results` or being flushed. */
  private unrecorded = 0;
  private flushing: Promise<void> | null = null;
  private pumping = false;
  private flushTimer: NodeJS.Timeout | null = null;
  private again = false;
  /** A claim was found worthwhile during the last one: worth another only if it still is. */
  private againIfRoom = false;
  private stopped = true;
  private timer: NodeJS.Timeout | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private pumpDone: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly options: DispatcherOptions,
  ) {
    this.workerId = options.workerId ?? `w_${process.pid}_${randomBytes(4).toString("hex")}`;
    this.opts = {
      timeoutMs: options.timeoutMs,
      allowPrivate: options.allowPrivate,
      concurrency: options.concurrency ?? 32,
      perWebhookConcurrency: options.perWebhookConcurrency ?? 8,
      pollMs: options.pollMs ?? 1000,
      leaseMs: options.leaseMs ?? options.timeoutMs * 3 + 2000,
      retrySchedule: options.retrySchedule ?? STANDARD_SCHEDULE_MS,
      autoDisableAfterMs: options.autoDisableAfterMs ?? AUTO_DISABLE_AFTER_MS,
    };
    this.settledEmitter.setMaxListeners(0);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribe = this.store.onDeliveries((count, claimed, declined) => {
      if (claimed.length > 0) {
        this.enqueue(claimed);
        this.startSends();
      }
      // Rows written without an offer to us (a resend) are claimed now; rows we declined
      // belong to backlogged webhooks, claimed once there is room.
      if (count - claimed.length > declined) this.wake();
      else if (declined > 0 && (this.backlogEnded || this.claimWorthwhile())) {
        this.backlogEnded = false;
        this.wake();
      }
    });
    this.store.setLocalClaimer({
      workerId: this.workerId,
      leaseMs: this.opts.leaseMs,
      take: (webhookId, takenForWebhook, takenTotal) => {
        if (this.stopped || this.backlogged.has(webhookId)) return false;
        const room =
          this.inFlight.size + this.queuedCount() + takenTotal < this.maxHeld &&
          (this.perWebhook.get(webhookId) ?? 0) +
            (this.waiting.get(webhookId)?.length ?? 0) +
            takenForWebhook <
            this.queuePerWebhook;
        if (!room) this.backlogged.add(webhookId);
        return room;
      },
    });
    this.timer = setInterval(() => this.wake(), this.opts.pollMs);
    this.timer.unref();
    // Rows may wait in the queue behind slow sends for longer than a lease: renewing the
    // leases of what this process holds keeps other processes off them while it lives.
    this.renewTimer = setInterval(
      () => void this.renewLeases(),
      Math.max(100, Math.floor(this.opts.leaseMs / 3)),
    );
    this.renewTimer.unref();
    this.wake();
  }

  /**
   * Claims and sends whatever is due, now. `forRoom`: called because room came free, not
   * because rows arrived; such a call during a claim is dropped if that claim filled the room.
   */
  wake(forRoom = false): void {
    if (this.stopped) return;
    if (this.pumping) {
      if (forRoom) this.againIfRoom = true;
      else this.again = true;
      return;
    }
    this.pumping = true;
    this.pumpDone = this.pump()
      .catch((error: unknown) => this.options.log?.(`webhook dispatcher: ${(error as Error).message}`))
      .finally(() => {
        this.pumping = false;
        const again = this.again || (this.againIfRoom && this.claimWorthwhile());
        this.again = false;
        this.againIfRoom = false;
        if (again && !this.stopped) this.wake();
      });
  }

  /** Resolves when a delivery this process sends has been recorded, or after `timeoutMs`. */
  settled(deliveryId: string, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.settledEmitter.off(deliveryId, done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.settledEmitter.once(deliveryId, done);
    });
  }

  /**
   * Stops claiming, gives sends in flight up to the deadline, and hands claims that were
   * never started back to the outbox for the next process.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.store.setLocalClaimer(null);
    this.backlogged.clear();
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    if (this.renewTimer) clearInterval(this.renewTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryTimes.length = 0;
    // A claim under way finishes first, and hands back what it took (see pump).
    await this.pumpDone;
    const queued = [...this.waiting.values()].flat().map((c) => c.delivery.id);
    this.waiting.clear();
    await Promise.race([
      Promise.allSettled([...this.inFlight.values()]),
      new Promise((r) => setTimeout(r, this.opts.timeoutMs + 500).unref()),
    ]);
    await this.flush();
    if (queued.length)
      await this.store
        .write((tx) => tx.webhooks.release(this.workerId, queued), ONE_STATEMENT)
        .catch(() => undefined);
  }

  private async renewLeases(): Promise<void> {
    if (this.stopped) return;
    // Outcomes still being written count too: a slow write must not let their leases lapse.
    const ids = this.heldIds();
    if (ids.length === 0) return;
    try {
      await this.store.write(
        (tx) => tx.webhooks.renewLeases(this.workerId, ids, Date.now() + this.opts.leaseMs),
        ONE_STATEMENT,
      );
    } catch (error) {
      this.options.log?.(`webhook dispatcher: renewing leases failed: ${(error as Error).message}`);
    }
  }

  /**
   * The deliveries this process holds: in flight, queued, or sent with their outcome not yet
   * written. Only these have their leases renewed and are kept from its own claims; any other
   * row claimed under its name (a claim whose answer was lost, a batch of outcomes that failed
   * to be written) lapses and is claimed again. At most maxHeld + 2 * concurrency ids.
   */
  private heldIds(): string[] {
    const ids = [...this.inFlight.keys()];
    for (const list of this.waiting.values()) for (const c of list) ids.push(c.delivery.id);
    for (const r of this.results) ids.push(r.id);
    for (const r of this.recording) ids.push(r.id);
    return ids;
  }

  /** Rows of one webhook this process holds at most, in flight and queued. */
  private get maxHeld(): number {
    return Math.max(MAX_HELD, this.queuePerWebhook * 2);
  }

  private get queuePerWebhook(): number {
    return this.opts.perWebhookConcurrency * 4;
  }

  /**
   * Whether a claim now could take something: the outbox may hold rows for us, and there is
   * room for them. Room counts once half of it is free, and a backlogged webhook once its
   * queue runs low, so that rows are claimed in batches.
   */
  private claimWorthwhile(): boolean {
    const room = this.maxHeld - this.inFlight.size - this.queuedCount();
    // Stryker disable next-line BooleanLiteral,ConditionalExpression,EqualityOperator: equivalent, with no room the pump a wake starts returns before it claims (its room is this one, capped), so the answer changes nothing
    if (room <= 0) return false;
    if (this.more && room >= this.opts.concurrency) return true;
    for (const id of this.backlogged)
      if ((this.waiting.get(id)?.length ?? 0) < this.opts.perWebhookConcurrency) return true;
    return false;
  }

  private queuedCount(): number {
    let n = 0;
    for (const list of this.waiting.values()) n += list.length;
    return n;
  }

  private async pump(): Promise<void> {
    while (!this.stopped) {
      // One claim takes at most a batch, so that a write transaction stays short.
      const room = Math.min(
        this.maxHeld - this.inFlight.size - this.queuedCount(),
        // Stryker disable next-line ArithmeticOperator: equivalent, only the batch changes: a claim that fills its room is followed by another
        this.opts.concurrency * 2,
      );
      if (room <= 0) return;
      const saturated = [...this.perWebhook.entries()]
        .filter(([id, n]) => n + (this.waiting.get(id)?.length ?? 0) >= this.queuePerWebhook)
        .map(([id]) => id);
      let claimed: ClaimedDelivery[];
      let complete: boolean;
      try {
        // One statement, without BEGIN and COMMIT. Run again after a lost answer, it takes
        // other rows: those the first run took are not held, so their leases lapse and a later
        // claim takes them (a delay of one lease, never a stranded row).
        ({ claimed, complete } = await this.store.write(
          (tx) =>
            tx.webhooks.claim(this.workerId, room, Date.now(), this.opts.leaseMs, {
              perWebhook: this.queuePerWebhook,
              skipWebhooks: saturated,
              held: this.heldIds(),
            }),
          ONE_STATEMENT,
        ));
      } catch (error) {
        // Stryker disable next-line OptionalChaining: equivalent, without a log the TypeError ends this pump as the return does, and wake's catch has no log either
        this.options.log?.(`webhook dispatcher: claim failed: ${(error as Error).message}`);
        return;
      }
      const taken = new Map<string, number>();
      for (const c of claimed) taken.set(c.delivery.webhookId, (taken.get(c.delivery.webhookId) ?? 0) + 1);
      for (const [id, n] of taken) if (n >= this.queuePerWebhook) this.backlogged.add(id);
      if (this.stopped) {
        // Stopped while claiming: hand the rows back for the next process.
        const ids = claimed.map((c) => c.delivery.id);
        // Stryker disable next-line ConditionalExpression: equivalent, releasing no ids changes nothing, and a failure is ignored
        if (ids.length)
          await this.store
            .write((tx) => tx.webhooks.release(this.workerId, ids), ONE_STATEMENT)
            .catch(() => undefined);
        return;
      }
      this.more = claimed.length >= room;
      if (!this.more && complete) {
        // A short claim that saw every due row took all of each webhook it neither skipped
        // nor filled: their backlog is gone, and their new deliveries may go straight out.
        for (const id of this.backlogged)
          if (!saturated.includes(id) && (taken.get(id) ?? 0) < this.queuePerWebhook) {
            this.backlogged.delete(id);
            this.backlogEnded = true;
          }
      }
      // Stryker disable next-line ConditionalExpression: equivalent, an empty claim enqueues nothing and returns below, as claimed.length < room
      if (claimed.length === 0) return;
      this.enqueue(claimed);
      this.startSends();
      if (claimed.length < room) return;
    }
  }

  private enqueue(claimed: ClaimedDelivery[]): void {
    // A row this process holds already comes back only if its lease lapsed while held (rows
    // claimed by a write whose transaction outlasted the lease, taken again by a claim as
    // that write commits): it is sent once, by the copy held first.
    const held = new Set(this.heldIds());
    for (const c of claimed) {
      if (held.has(c.delivery.id)) continue;
      const list = this.waiting.get(c.delivery.webhookId);
      if (list) list.push(c);
      else this.waiting.set(c.delivery.webhookId, [c]);
    }
  }

  private startSends(): void {
    for (const [webhookId, list] of this.waiting) {
      while (
        list.length > 0 &&
        this.inFlight.size < this.opts.concurrency &&
        // A delivery is sent but not yet recorded while its answer waits for its batch: a
        // crash then would send it again. Bounding those bounds the duplicates of a crash.
        this.inFlight.size + this.unrecorded < this.opts.concurrency * 2 &&
        (this.perWebhook.get(webhookId) ?? 0) < this.slotsOf(webhookId)
      ) {
        const claim = list.shift()!;
        this.perWebhook.set(webhookId, (this.perWebhook.get(webhookId) ?? 0) + 1);
        const id = claim.delivery.id;
        const p = this.deliver(claim).finally(() => {
          this.inFlight.delete(id);
          const n = (this.perWebhook.get(webhookId) ?? 1) - 1;
          if (n <= 0) this.perWebhook.delete(webhookId);
          else this.perWebhook.set(webhookId, n);
          if (!this.stopped) {
            this.startSends();
            // Claim again only when the outbox may hold rows for us, and only once this
            // webhook's queue runs low: a claim is a write transaction, and one per send
            // would cost more than the send.
            if (this.claimWorthwhile()) this.wake(true);
          }
        });
        this.inFlight.set(id, p);
      }
      if (list.length === 0) this.waiting.delete(webhookId);
    }
  }

  private slotsOf(webhookId: string): number {
    return this.slots.get(webhookId) ?? Math.min(INITIAL_SLOTS, this.opts.perWebhookConcurrency);
  }

  private learn(webhookId: string, outcome: Parameters<typeof slotsAfter>[1]): void {
    const next = slotsAfter(this.slotsOf(webhookId), outcome, this.opts.perWebhookConcurrency);
    if (this.slots.size >= MAX_HELD && !this.slots.has(webhookId)) {
      // Forget webhooks with nothing in flight; they start again from the initial few.
      for (const id of this.slots.keys()) if (!this.perWebhook.has(id)) this.slots.delete(id);
    }
    this.slots.set(webhookId, next);
  }

  private async deliver(claim: ClaimedDelivery): Promise<void> {
    const { delivery, body, webhook } = claim;
    const sentAt = new Date();
    let result: DeliveryResult;
    let retry: DeliveryOutcome["retry"];
    let disable: string | undefined;
    if (!webhook?.enabled) {
      result = {
        status: "failed",
        statusCode: null,
        requestHeaders: null,
        responseBody: null,
        error: webhook
          ? "The webhook was disabled before this delivery was sent"
          : "The webhook was deleted before this delivery was sent",
        errorClass: "webhook",
        durationMs: 0,
        sentAt: sentAt.toISOString(),
      };
    } else {
      const headers = buildDeliveryHeaders({
        eventId: delivery.eventId,
        deliveryId: delivery.id,
        event: delivery.event,
        rawBody: body,
        secret: webhook.secret,
        previousSecret: webhook.previousSecret,
        timestampSeconds: Math.floor(sentAt.getTime() / 1000),
        version: VERSION,
      });
      // undici loads on the first send, not at start-up.
      sendModule ??= import("./send.js");
      const sent = await (await sendModule).sendWebhook({
        url: delivery.url,
        body,
        headers,
        timeoutMs: this.opts.timeoutMs,
        allowPrivate: this.opts.allowPrivate,
        resolver: this.options.resolver,
        ca: this.options.ca,
      });
      this.learn(delivery.webhookId, sent);
      result = {
        status: sent.ok ? "succeeded" : "failed",
        statusCode: sent.statusCode,
        requestHeaders: headers,
        responseBody: sent.responseBody,
        error: sent.error,
        errorClass: sent.errorClass,
        durationMs: Math.round(sent.durationMs),
        sentAt: sentAt.toISOString(),
      };
      // A resend is a person's one-off: only a chain's automatic attempts are retried. (The
      // `none` policy is afterFailure's to apply: it gives up at once.)
      if (!sent.ok && delivery.resendOf === null) {
        const now = Date.now();
        const verdict = afterFailure(sent, {
          policy: webhook.retryPolicy,
          attempts: delivery.retries + 1,
          schedule: this.opts.retrySchedule,
          now,
          random: Math.random(),
        });
        if (verdict.kind === "retry")
          retry = {
            id: newId("delivery"),
            url: webhook.url,
            dueAt: now + verdict.delayMs,
            createdAt: new Date(now).toISOString(),
          };
        // Stryker disable next-line ConditionalExpression: equivalent, the other verdicts carry no reason, so disable stays undefined either way
        if (verdict.kind === "disable") disable = verdict.reason;
      }
    }
    this.options.onOutcome?.(delivery, result);
    // The send slot is free as soon as the answer is in; recording it joins a batch that
    // is written a moment later, one transaction for many outcomes.
    this.results.push({
      id: delivery.id,
      webhookId: delivery.webhookId,
      result,
      chainId: delivery.chainId,
      delivery,
      retry,
      disable,
    });
    this.unrecorded++;
    if (this.recordNow()) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), RECORD_DELAY_MS);
  }

  /**
   * Wakes when a retry this process scheduled is due. The times are a hint kept in memory
   * (at most MAX_HELD of them): the retry itself is a row in the store, which polling finds
   * from any process, after a restart too.
   */
  private wakeAt(dueAt: number): void {
    if (this.stopped) return;
    if (this.retryTimes.length < MAX_HELD) this.retryTimes.push(dueAt);
    this.armRetryTimer();
  }

  private armRetryTimer(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.stopped || this.retryTimes.length === 0) return;
    const next = Math.min(...this.retryTimes);
    this.retryTimer = setTimeout(
      () => {
        const now = Date.now();
        for (let i = this.retryTimes.length - 1; i >= 0; i--)
          if (this.retryTimes[i]! <= now) this.retryTimes.splice(i, 1);
        this.wake();
        this.armRetryTimer();
      },
      Math.max(0, next - Date.now()),
    );
    this.retryTimer.unref();
  }

  /** Writes outcomes in one statement where the engine can, then logs and schedules what follows. */
  private async record(outcomes: DeliveryOutcome[]): Promise<void> {
    const { disabled } = await this.store.write(
      (tx) => tx.webhooks.complete(this.workerId, outcomes, this.completeOptions()),
      ONE_STATEMENT,
    );
    for (const id of disabled) this.options.log?.(`webhook dispatcher: disabled webhook ${id}`);
    for (const r of outcomes) if (r.retry) this.wakeAt(r.retry.dueAt);
  }

  /**
   * After the database refused a batch of outcomes (the data, not a busy or unreachable
   * database: then the rows lapse and are sent again), each outcome is written alone, so
   * that one it refuses cannot sink the others; one refused alone is written without the
   * receiver's answer, so that it is not sent again and again.
   */
  private async recordAlone(batch: DeliveryOutcome[], error: unknown): Promise<void> {
    const why = (e: unknown) => (e as Error).message;
    this.options.log?.(`webhook dispatcher: recording ${batch.length} results failed: ${why(error)}`);
    if (!refusedByDatabase(error)) return;
    for (const outcome of batch) {
      try {
        await this.record([outcome]);
      } catch (alone) {
        if (!refusedByDatabase(alone)) {
          this.options.log?.(`webhook dispatcher: recording results failed: ${why(alone)}`);
          return;
        }
        const note = `The outcome could not be recorded in full (${why(alone).slice(0, 200)}); the receiver's answer is left out`;
        const result: DeliveryResult = {
          ...outcome.result,
          requestHeaders: null,
          responseBody: null,
          error: outcome.result.error ? `${outcome.result.error}. ${note}` : note,
        };
        await this.record([{ ...outcome, result }]).catch((e: unknown) =>
          this.options.log?.(`webhook dispatcher: recording delivery ${outcome.id} failed: ${why(e)}`),
        );
      }
    }
  }

  private completeOptions(): { disableFailingSince: string; now: string } {
    const now = Date.now();
    return {
      disableFailingSince: new Date(now - this.opts.autoDisableAfterMs).toISOString(),
      now: new Date(now).toISOString(),
    };
  }

  /**
   * Whether the outcomes waiting are written at once rather than RECORD_DELAY_MS after the
   * first: a full batch, sends nearing the bound on outcomes not yet written (startSends),
   * or a dispatcher stopping.
   */
  private recordNow(): boolean {
    return (
      this.stopped ||
      this.results.length >= RECORD_BATCH ||
      this.inFlight.size + this.unrecorded >= this.opts.concurrency * 1.5
    );
  }

  /** Records outcomes in batches: one write transaction for all that finished meanwhile. */
  private flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.flushing) return this.flushing;
    if (this.results.length === 0) return Promise.resolve();
    this.flushing = (async () => {
      while (this.results.length > 0) {
        const batch = this.results;
        this.results = [];
        this.recording = batch;
        try {
          await this.record(batch);
        } catch (error) {
          await this.recordAlone(batch, error);
        }
        // Written or not, no longer held: rows whose outcome failed to be written lapse, and
        // are claimed and sent again.
        this.recording = [];
        this.unrecorded -= batch.length;
        for (const r of batch) this.settledEmitter.emit(r.id);
        // What arrived during the write waits its turn (below), unless it must go now.
        if (!this.recordNow()) break;
      }
    })().finally(() => {
      this.flushing = null;
      // Outcomes that arrived as the last batch was being written: at once if a batch is
      // full, else RECORD_DELAY_MS from now, so that a busy dispatcher writes a batch every
      // RECORD_DELAY_MS rather than one per write's round trip.
      if (this.results.length > 0) {
        if (this.recordNow()) void this.flush();
        else this.flushTimer ??= setTimeout(() => void this.flush(), RECORD_DELAY_MS);
      }
      if (!this.stopped) this.startSends();
    });
    return this.flushing;
  }
}
