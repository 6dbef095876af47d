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
  createdAt: string;
  updatedAt: string;
}

export type DeliveryStatus = "pending" | "sending" | "succeeded" | "failed";

export interface DeliveryRow {
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
  attempt: number;
  resendOf: string | null;
  /** Which process holds the claim, and until when (ms since the epoch). */
  claimedBy: string | null;
  leaseUntil: number | null;
  createdAt: string;
  sentAt: string | null;
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

/** `Equal<A, B>` is `true` only when A and B are the same type; used by the schema checks. */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
