/**
 * Rows as both engines return them. Each engine's schema is checked against these at
 * compile time (see its `schema/index.ts`), so a column that drifts on one engine breaks
 * the build, not a query.
 */

export interface Company {
  id: string;
  name: string;
  createdAt: string;
}

export interface User {
  id: string;
  companyId: string;
  name: string;
  email: string | null;
  role: "owner" | "member";
  createdAt: string;
}

export interface ApiKey {
  id: string;
  companyId: string;
  userId: string;
  name: string;
  hash: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** One row per event; `body` is the envelope exactly as every delivery of it sends it. */
export interface EventRow {
  id: string;
  companyId: string;
  event: string;
  entityId: string;
  userId: string;
  body: string;
  createdAt: string;
}

export interface WebhookRow {
  id: string;
  companyId: string;
  url: string;
  events: string[];
  description: string | null;
  secret: string | null;
  enabled: boolean;
  lastDeliveryStatus: string | null;
  lastDeliveryAt: string | null;
  /** `none` (the published contract: no automatic retries) or `standard`. */
  retryPolicy: "none" | "standard";
  /** A rotated-out secret, still signed with until `previousSecretUntil` (ISO time). */
  previousSecret: string | null;
  previousSecretUntil: string | null;
  /** Since when every delivery has failed (null after a success): drives auto-disable. */
  failingSince: string | null;
  lastError: string | null;
  /** Why and when the server disabled the webhook (410 Gone, or failing too long). */
  disabledReason: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** `scheduled`: an automatic retry waiting for `dueAt`. */
export type DeliveryStatus = "pending" | "scheduled" | "sending" | "succeeded" | "failed";

/** A delivery row as stored. */
export interface StoredDeliveryRow {
  id: string;
  companyId: string;
  webhookId: string;
  eventId: string;
  event: string;
  url: string;
  status: DeliveryStatus;
  statusCode: number | null;
  requestHeaders: Record<string, string> | null;
  responseBody: string | null;
  error: string | null;
  errorClass: string | null;
  durationMs: number | null;
  /** Counts along a chain: the first delivery of an event to a webhook, then its retries and resends. */
  attempt: number;
  resendOf: string | null;
  /** The chain's first delivery, on every later attempt (retry or resend); null on the first. */
  chainId: string | null;
  /** Automatic retries before this attempt in its chain: 0 for a first attempt or a resend. */
  retries: number;
  /** When a scheduled retry is due, ms since the epoch. */
  dueAt: number | null;
  /** Which process holds the claim, and until when (ms since the epoch). */
  claimedBy: string | null;
  leaseUntil: number | null;
  createdAt: string;
  sentAt: string | null;
}

/**
 * A delivery as read back: the stored row, and `resolvedBy`, the later attempt of its chain
 * that was delivered, derived when read so that a recorded row never changes.
 */
export interface DeliveryRow extends StoredDeliveryRow {
  resolvedBy: string | null;
}

/**
 * A web UI session. `tokenHash` is the SHA-256 of the cookie's token, so that reading the
 * database does not hand out sessions.
 */
export interface SessionRow {
  tokenHash: string;
  companyId: string;
  userId: string;
  /** Sent back in a hidden field by every form that changes something. */
  csrf: string;
  /** A one-shot message for the next page, as JSON `{kind, text}`. */
  flash: string | null;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/**
 * The answer to a POST sent with an `Idempotency-Key`, kept so that a repeat gets the same
 * answer instead of a second write. Keys are the caller's own: one user's key never meets
 * another's.
 */
export interface IdempotencyRow {
  companyId: string;
  userId: string;
  key: string;
  /** SHA-256 of the method, path and body: the same key with another request is refused. */
  fingerprint: string;
  /** The answer's status; null while the first request is still being answered. */
  status: number | null;
  /** The answer's body as sent. */
  response: string | null;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** `Equal<A, B>` is `true` only when A and B are the same type; used by the schema checks. */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** One record of the authorization server; `key` is the SHA-256 of its id. */
export interface OAuthRecordRow {
  model: string;
  key: string;
  uid: string | null;
  grantId: string | null;
  /** The user the record acts for, once one signed in. */
  userId: string | null;
  clientId: string | null;
  /** The record as JSON, without its id. */
  payload: string;
  /** Milliseconds since the epoch; null: never. */
  expiresAt: number | null;
  consumedAt: number | null;
}
