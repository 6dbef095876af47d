import { ConflictError } from "../domain/errors.js";
import type {
  CustomColumn,
  CustomFieldValue,
  DealServiceLine,
  EntityRecord,
  EntityType,
  LinkTarget,
} from "../domain/model.js";
import type {
  ApiKey,
  Company,
  DeliveryRow,
  DeliveryStatus,
  EventRow,
  IdempotencyRow,
  OAuthRecordRow,
  SessionRow,
  StoredDeliveryRow,
  User,
  WebhookRow,
} from "./rows.js";

/**
 * The store's API, the same on every engine. Services, the dispatcher, MCP and the UI see
 * only this; each engine's folder implements it.
 */

/** A filter the service has already checked against the entity's fields. */
export type StoredFilter =
  | { kind: "column"; field: string; operator: string; value?: unknown }
  | { kind: "list"; field: string; operator: string; value?: unknown }
  | { kind: "relation"; target: LinkTarget; operator: string; value?: unknown }
  | { kind: "custom"; columnId: string; numeric: boolean; operator: string; value?: unknown };

/**
 * A checked query over one entity type. Its meaning, on every engine: `searchTerm` matches
 * rows where any of the type's search fields contains the term, ignoring case; text
 * compares and sorts by code point; in ascending order nulls come first; ties break on id,
 * newest first.
 */
export interface StoredQuery {
  searchTerm?: string;
  filters: StoredFilter[];
  sort?: {
    field: string;
    custom?: { columnId: string; numeric: boolean };
    /** Values in this order sort first, in it (deal stages); any other value after them. */
    order?: string[];
    direction: "asc" | "desc";
  };
  limit: number;
  offset: number;
}

export interface EntityRow {
  id: string;
  [column: string]: unknown;
}

/** A custom value with the copies that filters and sorting compare on. */
export interface CustomValueRow {
  columnId: string;
  value: unknown;
  text: string | null;
  num: number | null;
}

export type { CustomFieldValue };

/** What a dispatcher needs of a delivery row to send it, and to retry it. */
export type ClaimedRow = Pick<
  StoredDeliveryRow,
  "id" | "webhookId" | "eventId" | "event" | "url" | "attempt" | "resendOf" | "chainId" | "retries"
>;

/** The webhook's current state, as a send needs it. */
export interface ClaimedWebhook {
  url: string;
  secret: string | null;
  /** A rotated-out secret still within its grace period. */
  previousSecret: string | null;
  enabled: boolean;
  retryPolicy: WebhookRow["retryPolicy"];
}

/** A claimed delivery with what sending it needs: the body and the webhook's current state. */
export interface ClaimedDelivery {
  delivery: ClaimedRow;
  body: string;
  webhook: ClaimedWebhook | null;
}

/** The next automatic attempt of a failed delivery, written with its outcome. */
export interface ScheduledRetry {
  id: string;
  url: string;
  dueAt: number;
  createdAt: string;
}

/** A later attempt of a chain: an automatic retry or a resend. */
export interface LaterAttempt {
  id: string;
  url: string;
  status: "scheduled" | "pending";
  /** Automatic retries before it in its chain; 0 for a resend. */
  retries: number;
  dueAt: number | null;
  resendOf: string | null;
  createdAt: string;
}

/** One sent delivery's outcome, with what follows from it. */
export interface DeliveryOutcome {
  id: string;
  webhookId: string;
  result: DeliveryResult;
  /** The chain this delivery belongs to (its first delivery's id), when it is not the first. */
  chainId: string | null;
  delivery: Pick<ClaimedRow, "retries">;
  /** The next automatic attempt, when the policy retries. */
  retry?: ScheduledRetry;
  /** Disable the webhook, for this reason (a 410 Gone). */
  disable?: string;
}

/** A dispatcher in this process that takes new deliveries as they are written. */
export interface LocalClaimer {
  workerId: string;
  leaseMs: number;
  /** Whether the dispatcher has room for one more delivery to this webhook, counting those this write already took. */
  take(webhookId: string, takenForWebhook: number, takenTotal: number): boolean;
}

/** Finished deliveries of one webhook created in one UTC hour (`2026-12-03T05`). */
export interface HourlyDeliveryCount {
  webhookId: string;
  hour: string;
  succeeded: number;
  failed: number;
}

/** A finished delivery, as a webhook's page summarises it. */
export interface FinishedDelivery {
  status: "succeeded" | "failed";
  durationMs: number | null;
  errorClass: string | null;
}

export interface DeliveryQuery {
  searchTerm?: string;
  webhookId?: string;
  status?: DeliveryStatus;
  /** Only failed deliveries that no later attempt of their chain delivered. */
  unresolved?: boolean;
  event?: string;
  since?: string;
  until?: string;
  /**
   * Only deliveries of the events of this record: each event's first attempts (written with
   * the event, at its time) and the later attempts of their chains.
   */
  entityId?: string;
  limit: number;
  offset: number;
}

export interface DeliveryResult {
  status: "succeeded" | "failed";
  statusCode: number | null;
  requestHeaders: Record<string, string> | null;
  responseBody: string | null;
  error: string | null;
  errorClass: string | null;
  durationMs: number;
  sentAt: string;
}

/** Entity rows, their links, deal lines and custom values, for one company at a time. */
export interface CrmRepository {
  /** Whole records as the outside world sees them, keyed by id; unknown ids are absent. */
  load(companyId: string, type: EntityType, ids: string[]): Promise<Map<string, EntityRecord>>;
  /** Which of `ids` exist in the company as `target` (an entity type or a user). */
  existing(companyId: string, target: LinkTarget, ids: string[]): Promise<Set<string>>;
  insert(type: EntityType, row: EntityRow & { companyId: string }): Promise<void>;
  /** Inserts many rows of one type, as few statements as their fields allow. */
  insertMany(type: EntityType, rows: (EntityRow & { companyId: string })[]): Promise<void>;
  /**
   * Ids of the company's entities of a type created at `since` (ms) or later, and perhaps a
   * little before: every one a write committed after a write transaction of the company
   * that began at `since`, as a write transaction sees them.
   */
  createdSince(companyId: string, type: EntityType, since: number): Promise<string[]>;
  /** Sets fields of one entity (field names as on the record). */
  update(companyId: string, type: EntityType, id: string, patch: Record<string, unknown>): Promise<void>;
  /** Removes the row and everything that hangs off it: links, deal lines, custom values. */
  delete(companyId: string, type: EntityType, id: string): Promise<void>;
  addLinks(companyId: string, type: LinkTarget, id: string, target: LinkTarget, ids: string[]): Promise<void>;
  removeLinks(type: LinkTarget, id: string, target: LinkTarget, ids: string[]): Promise<void>;
  /** Replaces a deal's service lines, keeping the order given. */
  setDealServices(companyId: string, dealId: string, lines: DealServiceLine[]): Promise<void>;
  /** Deal totals follow from the deal's lines and its services' current amounts. */
  recomputeDealTotals(companyId: string, dealIds: string[]): Promise<void>;
  /** Sets custom values; a null value removes the field. */
  setCustomValues(
    companyId: string,
    entityId: string,
    values: (CustomValueRow | { columnId: string; value: null })[],
  ): Promise<void>;
  /** Ids of entities that hold a value in a column (before the column is deleted). */
  idsWithColumn(companyId: string, columnId: string): Promise<string[]>;
  find(companyId: string, type: EntityType, query: StoredQuery): Promise<{ ids: string[]; total: number }>;
  count(companyId: string, type: EntityType, query: Omit<StoredQuery, "limit" | "offset">): Promise<number>;
  /** Rows written before the search text existed (it is empty), of any company: for the backfill. */
  unsearched(type: EntityType, limit: number): Promise<{ companyId: string; id: string }[]>;
}

/** Companies, their users and the users' API keys (stored as hashes only). */
export interface TenantRepository {
  insertCompany(row: Company): Promise<void>;
  insertUser(row: User): Promise<void>;
  insertApiKey(row: ApiKey): Promise<void>;
  company(id: string): Promise<Company | undefined>;
  user(companyId: string, id: string): Promise<User | undefined>;
  users(companyId: string): Promise<User[]>;
  /** The first owner ever made: the local owner that stdio acts as without a key. */
  firstOwner(): Promise<User | undefined>;
  keyCount(userId: string): Promise<number>;
  /** Every company, oldest first: for the operator's CLI. */
  companies(): Promise<Company[]>;
  /** A user by id alone, whatever its company: for the operator's CLI, never for a caller. */
  userById(id: string): Promise<User | undefined>;
  /** Keys without their hashes, oldest first; narrowed to a company and, within it, a user. */
  apiKeys(filter?: { companyId?: string; userId?: string }): Promise<Omit<ApiKey, "hash">[]>;
  apiKey(id: string): Promise<ApiKey | undefined>;
  deleteApiKey(id: string): Promise<boolean>;
  keyByHash(hash: string): Promise<(ApiKey & { user: User }) | undefined>;
  /** Records a use of a key at `at` (ISO 8601), unless a later one is recorded already. */
  touchApiKey(id: string, at: string): Promise<void>;
}

export interface ColumnRepository {
  list(companyId: string, entityType?: EntityType): Promise<CustomColumn[]>;
  get(companyId: string, id: string): Promise<CustomColumn | undefined>;
  insert(companyId: string, column: CustomColumn): Promise<void>;
  update(
    companyId: string,
    id: string,
    patch: Partial<Pick<CustomColumn, "label" | "options" | "updatedAt">>,
  ): Promise<void>;
  delete(companyId: string, id: string): Promise<void>;
  /** The company's ordered deal stages, or null while it keeps the defaults. */
  dealStages(companyId: string): Promise<string[] | null>;
  setDealStages(companyId: string, stages: string[], updatedAt: string): Promise<void>;
}

/** Records whose `updatedAt` becomes `at`, by type. */
export interface Stamp {
  at: string;
  records: Map<EntityType, string[]>;
}

/** Webhooks, events, the outbox and the delivery log. */
export interface WebhookRepository {
  insert(row: WebhookRow): Promise<void>;
  update(companyId: string, id: string, patch: Partial<WebhookRow>): Promise<void>;
  delete(companyId: string, id: string): Promise<void>;
  get(companyId: string, id: string): Promise<WebhookRow | undefined>;
  list(
    companyId: string,
    q: { searchTerm?: string; limit: number; offset: number },
  ): Promise<{ items: WebhookRow[]; total: number }>;
  /**
   * Writes events and one pending delivery per enabled, subscribed webhook, offering each to
   * the local dispatcher (`claimer`) first; returns the delivery count. The records in
   * `stamp` (of this company) get `updatedAt = stamp.at`, written with the events: an
   * update's event and its record's time in one statement.
   */
  recordEvents(
    companyId: string,
    rows: EventRow[],
    claimer?: LocalClaimer | null,
    stamp?: Stamp,
  ): Promise<{ written: number; claimed: ClaimedDelivery[]; declined: number }>;
  /**
   * Makes the scheduled retries due by `now` pending, then takes up to `limit` deliveries
   * that are pending (oldest first), or whose lease has lapsed and that are not in `held` (own
   * ones too: a claim whose answer was lost), at most `perWebhook` of one webhook and none of
   * `skipWebhooks`, and marks them as this worker's until `now + leaseMs`.
   * `complete` is false when there may be due rows the claim did not look at. Two workers
   * never claim the same row.
   */
  claim(
    workerId: string,
    limit: number,
    now: number,
    leaseMs: number,
    options?: { perWebhook?: number; skipWebhooks?: string[]; held?: string[] },
  ): Promise<{ claimed: ClaimedDelivery[]; complete: boolean }>;
  /** Extends the leases of `ids` this worker still holds; a row it lost track of lapses. */
  renewLeases(workerId: string, ids: string[], leaseUntil: number): Promise<void>;
  /**
   * Records outcomes, each only if this worker still holds the claim, with what follows from
   * them in the same transaction: the next automatic attempt, each webhook's last status and
   * failing streak, and a webhook disabled by a 410 or by failing since before
   * `disableFailingSince`. Returns the webhooks it disabled.
   */
  complete(
    workerId: string,
    outcomes: DeliveryOutcome[],
    options?: { disableFailingSince?: string; now?: string },
  ): Promise<{ disabled: string[] }>;
  /**
   * A later attempt of a chain (a retry or a resend), with the same event and webhook as the
   * chain's first delivery; its number counts every attempt the chain has had.
   */
  insertLaterAttempt(chain: string, attempt: LaterAttempt): Promise<void>;
  /** Hands unsent claims back (a process that stops before sending them). */
  release(workerId: string, ids: string[]): Promise<void>;
  /** Events of a company, oldest first. */
  events(companyId: string, limit?: number): Promise<EventRow[]>;
  /** The events whose entity is `entityId`, newest first, with how many there are in all. */
  entityEvents(
    companyId: string,
    entityId: string,
    q: { limit: number; offset: number },
  ): Promise<{ items: EventRow[]; total: number }>;
  /** Deliveries not yet recorded as sent or failed, over all companies. */
  pendingCount(): Promise<number>;
  /** Outbox depth and the creation time of its oldest row, over all companies, for metrics. */
  outboxStats(): Promise<{ depth: number; oldestCreatedAt: string | null }>;
  listDeliveries(companyId: string, q: DeliveryQuery): Promise<{ items: DeliveryRow[]; total: number }>;
  /**
   * Succeeded and failed deliveries of these webhooks since `since`, counted per webhook and
   * UTC hour (`2026-12-03T05`) from the hour `byHourFrom`, and before it in one row per
   * webhook whose hour is "".
   */
  deliveryCounts(
    companyId: string,
    webhookIds: string[],
    since: string,
    byHourFrom: string,
  ): Promise<HourlyDeliveryCount[]>;
  /**
   * One webhook's figures, in one query: its counts as `deliveryCounts` gives them, and its
   * latest `latest` finished deliveries created since `since`, newest first.
   */
  webhookFigures(
    companyId: string,
    webhookId: string,
    since: string,
    byHourFrom: string,
    latest: number,
  ): Promise<{ hours: HourlyDeliveryCount[]; latest: FinishedDelivery[] }>;
  getDelivery(companyId: string, id: string): Promise<{ delivery: DeliveryRow; body: string } | undefined>;
  /**
   * Failed deliveries in a window, not resolved by a later attempt, whose webhook and event
   * have had no later delivery: the latest attempt of each failed, so each is resent once.
   * Oldest first.
   */
  latestFailed(
    companyId: string,
    q: { since: string; until?: string; webhookId?: string },
  ): Promise<DeliveryRow[]>;
}

/** Web UI sessions, kept in the store so that any node answers any request. */
export interface SessionRepository {
  insert(row: SessionRow): Promise<void>;
  /** The session with this token hash, if it has not expired by `now`. */
  get(tokenHash: string, now: number): Promise<SessionRow | undefined>;
  setFlash(tokenHash: string, flash: string | null): Promise<void>;
  delete(tokenHash: string): Promise<void>;
  deleteExpired(now: number): Promise<void>;
}

/**
 * The authorization server's records, found by model and the SHA-256 of their id. Reads skip
 * expired rows, so an expired code or token is simply not found.
 */
export interface OAuthRepository {
  upsert(row: OAuthRecordRow): Promise<void>;
  find(model: string, key: string, now: number): Promise<OAuthRecordRow | undefined>;
  findByUid(model: string, uid: string, now: number): Promise<OAuthRecordRow | undefined>;
  consume(model: string, key: string, at: number): Promise<void>;
  destroy(model: string, key: string): Promise<void>;
  /** Removes every code and token of a grant (and the grant). */
  revokeByGrantId(grantId: string): Promise<void>;
  /** The user's records of one model that have not expired, newest last. */
  ofUser(model: string, userId: string, now: number): Promise<OAuthRecordRow[]>;
  deleteExpired(now: number): Promise<void>;
}

/** Stored answers to POSTs sent with an Idempotency-Key, shared by every node. */
export interface IdempotencyRepository {
  /**
   * Takes the key for a request being answered now (status null). False when a record
   * created at or after `expiredBefore` already holds it; an older one is replaced.
   */
  reserve(row: IdempotencyRow, expiredBefore: number): Promise<boolean>;
  get(companyId: string, userId: string, key: string): Promise<IdempotencyRow | undefined>;
  /**
   * Keeps the answer of a reservation: the one of this key created at `createdAt` and still
   * unanswered. A request that outlived its lease finds another request's reservation in its
   * place, or none, and changes nothing; false then.
   */
  complete(
    companyId: string,
    userId: string,
    key: string,
    createdAt: number,
    status: number,
    response: string,
  ): Promise<boolean>;
  /**
   * Frees a reservation whose request failed, so that the key may be sent again: only the
   * one created at `createdAt` and still unanswered, never a later request's.
   */
  release(companyId: string, userId: string, key: string, createdAt: number): Promise<void>;
  deleteExpired(before: number): Promise<void>;
}

export interface Repositories {
  crm: CrmRepository;
  tenants: TenantRepository;
  columns: ColumnRepository;
  webhooks: WebhookRepository;
  sessions: SessionRepository;
  oauth: OAuthRepository;
  idempotency: IdempotencyRepository;
}

/** What a unit of work sees: the repositories, all on the same connection and transaction. */
export class Tx {
  readonly crm: CrmRepository;
  readonly tenants: TenantRepository;
  readonly columns: ColumnRepository;
  readonly webhooks: WebhookRepository;
  readonly sessions: SessionRepository;
  readonly oauth: OAuthRepository;
  readonly idempotency: IdempotencyRepository;
  private deliveriesWritten = 0;
  private deliveriesDeclined = 0;
  /** Deliveries this transaction claimed for the local dispatcher as it wrote them. */
  readonly claimed: ClaimedDelivery[] = [];

  constructor(
    repos: Repositories,
    /** The local dispatcher, when one runs in this process. */
    readonly localClaimer: LocalClaimer | null = null,
  ) {
    this.crm = repos.crm;
    this.tenants = repos.tenants;
    this.columns = repos.columns;
    this.webhooks = repos.webhooks;
    this.sessions = repos.sessions;
    this.oauth = repos.oauth;
    this.idempotency = repos.idempotency;
  }

  /**
   * Counts outbox rows so the store can wake the dispatcher once the write commits: `n`
   * written, of which `claimed` were taken by the local dispatcher and `declined` were
   * offered to it and left in the outbox.
   */
  noteDeliveries(n: number, claimed: ClaimedDelivery[] = [], declined = 0): void {
    this.deliveriesWritten += n;
    this.deliveriesDeclined += declined;
    this.claimed.push(...claimed);
  }

  get declinedDeliveries(): number {
    return this.deliveriesDeclined;
  }

  get writtenDeliveries(): number {
    return this.deliveriesWritten;
  }
}

export interface WriteOptions {
  /**
   * `work` runs one statement, which is atomic on its own: an engine that talks to a server
   * may send it without BEGIN and COMMIT around it, two round trips fewer. A repository
   * method that would run more than one opens the transaction first (all or nothing as
   * always). A connection lost while the statement runs leaves unknown whether it took
   * effect, and `work` runs again on a new connection, as it would inside a transaction:
   * so only statements that are safe to repeat (the outbox's outcomes, renewals and
   * releases touch only rows their worker still holds). A claim run again takes other rows;
   * those the first run took are not held by its worker, so their leases lapse and a later
   * claim takes them: a delay of one lease.
   */
  oneStatement?: boolean;
}

export type DeliveriesListener = (count: number, claimed: ClaimedDelivery[], declined: number) => void;

/** The store: transactions over one database, on whichever engine runs. */
export interface Store {
  readonly engine: "sqlite" | "postgres";
  /** Where the data lives, for people: a file path, or a URL without its password. */
  readonly location: string;
  /** Reads that see one consistent state. */
  read<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * A write transaction: everything `work` does commits together or not at all, and `work`
   * may run again if the engine had to abort a conflicting attempt. Once it commits with
   * new deliveries, `deliveries` listeners are told.
   */
  write<T>(work: (tx: Tx) => Promise<T>, options?: WriteOptions): Promise<T>;
  /**
   * Lets the dispatcher of this process take the deliveries a write creates in the same
   * transaction, so they go out right after the commit with no claim of their own.
   */
  setLocalClaimer(claimer: LocalClaimer | null): void;
  /**
   * Called after each commit that wrote outbox rows (in this process, or, where the engine
   * tells, in another: then `count` is 0 and nothing is claimed), with those claimed for
   * this process and the number the local dispatcher was offered and declined.
   */
  onDeliveries(listener: DeliveriesListener): () => void;
  /** Whether the store answers a query: what readiness means. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Rows grouped by the fields they set (those `keep` accepts), in first-seen order. */
export function groupByFields<T extends Record<string, unknown>>(
  rows: T[],
  keep: (field: string) => boolean,
): [string[], T[]][] {
  const groups = new Map<string, [string[], T[]]>();
  for (const row of rows) {
    const keys = Object.keys(row).filter((k) => row[k] !== undefined && keep(k));
    const signature = keys.join(",");
    const group = groups.get(signature);
    if (group) group[1].push(row);
    else groups.set(signature, [keys, [row]]);
  }
  return [...groups.values()];
}

/** Escapes `%`, `_` and the escape character for `like ? escape '\\'`. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The store cannot be opened as configured; the message says which setting to fix. */
export class StoreOpenError extends Error {
  override readonly name = "StoreOpenError";
}

/**
 * The database cannot be reached right now (a restart, a network fault). A conflict with
 * the current state, as adapters already report those to the caller: an `isError` result,
 * not an internal error.
 */
export class StoreUnavailableError extends ConflictError {
  override readonly name = "ConflictError";
}

/** Outcomes counted per webhook and hour of their delivery's creation, for the hourly counts table. */
export class HourCounts {
  private readonly counts = new Map<string, HourlyDeliveryCount & { companyId: string }>();

  add(companyId: string, webhookId: string, createdAt: string, status: "succeeded" | "failed") {
    const hour = createdAt.slice(0, 13);
    const key = `${webhookId} ${hour}`;
    let row = this.counts.get(key);
    if (!row) {
      row = { companyId, webhookId, hour, succeeded: 0, failed: 0 };
      this.counts.set(key, row);
    }
    row[status]++;
  }

  /** In key order, so that two writers lock the rows they share in the same order. */
  rows(): (HourlyDeliveryCount & { companyId: string })[] {
    // The default sort compares UTF-16 code units, as `<` does; keys are unique.
    return [...this.counts.keys()].sort().map((key) => this.counts.get(key)!);
  }
}

/**
 * Whether the database refused a write for its data (a value it cannot store, a constraint,
 * a trigger's refusal), on either engine: the same write will be refused again. Not when it
 * was busy, unreachable or closed, after which the same write may well succeed.
 */
export function refusedByDatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  // PostgreSQL: data exceptions (22), integrity constraints (23), a raised exception (P0001).
  if (/^(22|23)[0-9A-Z]{3}$|^P0001$/.test(code)) return true;
  // SQLite (better-sqlite3): constraints and triggers' RAISE, a value too big or of the wrong type.
  return /^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH)/.test(code);
}

/** A row of a webhook's figures query: an hour's counts, or one finished delivery. */
export interface FigureRow {
  kind: "hour" | "delivery";
  hour: string | null;
  succeeded: number | null;
  failed: number | null;
  status: "succeeded" | "failed" | null;
  durationMs: number | null;
  errorClass: string | null;
}

export function figuresOf(
  webhookId: string,
  rows: readonly FigureRow[],
): { hours: HourlyDeliveryCount[]; latest: FinishedDelivery[] } {
  const hours: HourlyDeliveryCount[] = [];
  const latest: FinishedDelivery[] = [];
  for (const r of rows) {
    if (r.kind === "hour") {
      hours.push({ webhookId, hour: r.hour!, succeeded: Number(r.succeeded), failed: Number(r.failed) });
    } else {
      latest.push({ status: r.status!, durationMs: r.durationMs, errorClass: r.errorClass });
    }
  }
  return { hours, latest };
}
