/**
 * One HTTPS POST of a webhook delivery.
 *
 * - The host is resolved and vetted right before the send (`resolveForSend`), and the
 *   connection is pinned to the vetted address: the socket's lookup returns only that
 *   address, so a DNS answer that changes between the check and the connect (rebinding)
 *   is never used. SNI and Host stay the URL's host name.
 * - One deadline covers resolving, connecting, waiting for headers and reading the body.
 * - Redirects are never followed; only 2xx succeeds.
 * - At most `RESPONSE_BODY_CAP` bytes of the response body are kept; the rest is not read.
 * - Connections are kept alive and reused per (origin, pinned address, trust), in a bounded
 *   cache. A connection pinned to an address the host no longer resolves to is closed and
 *   never reused.
 */
import type { LookupAddress, LookupOptions } from "node:dns";
import { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";
import type { Readable } from "node:stream";
import { createSecureContext, rootCertificates, type SecureContext } from "node:tls";
import { Pool } from "undici";
import { type Resolver, resolveForSend } from "./url-policy.js";

/** How much of a response body is kept. */
export const RESPONSE_BODY_CAP = 64 * 1024;
/** The default deadline of one send, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 5000;
/** How many origins keep pooled connections at once. */
const MAX_ORIGINS = 64;
/** How long an idle kept-alive connection stays open (the server's keep-alive hint wins if shorter). */
const KEEP_ALIVE_MS = 10_000;

export type SendErrorClass =
  | "policy"
  | "dns"
  | "timeout"
  | "refused"
  | "reset"
  | "tls"
  | "http_status"
  | "network";

export interface SendResult {
  /** True only for a 2xx answer received in full (up to the cap) within the deadline. */
  ok: boolean;
  /** The HTTP status, when the receiver answered. */
  statusCode: number | null;
  /** Up to `RESPONSE_BODY_CAP` bytes of the response body, as (lossy) UTF-8 text. */
  responseBody: string | null;
  /** Wall time of the whole send, resolution included, in whole milliseconds. */
  durationMs: number;
  errorClass: SendErrorClass | null;
  /** One line for humans, null on success. */
  error: string | null;
  /** The `Retry-After` header of a non-2xx answer, for the retry policy. */
  retryAfter: string | null;
}

export interface SendRequest {
  url: string;
  /** The exact body to send (the signed bytes). */
  body: string | Uint8Array;
  headers: Record<string, string>;
  /** Deadline for the whole send. Default `DEFAULT_TIMEOUT_MS`. */
  timeoutMs?: number;
  /** Lift the public-address rule (never the https rule). */
  allowPrivate: boolean;
  /** Host resolver; default: the system resolver. */
  resolver?: Resolver;
  /**
   * Extra trusted certificate (PEM), added to Node's bundled roots. When absent, Node's default
   * trust store is used (which honours NODE_EXTRA_CA_CERTS).
   */
  ca?: string;
}

class DeadlineError extends Error {
  override readonly name = "DeadlineError";
}

type Phase = "resolve" | "response" | "body";

// ---------------------------------------------------------------------------------------------
// Connection cache

interface OriginEntry {
  /** Pools of this origin, by pinned address. */
  byAddress: Map<string, Pool>;
}

/** Keyed by origin + trust; insertion order is recency (oldest first). */
const origins = new Map<string, OriginEntry>();
const secureContexts = new Map<string, SecureContext>();
let caIds = new Map<string, number>();

function caKey(ca: string | undefined): string {
  if (ca === undefined) return "default";
  let id = caIds.get(ca);
  if (id === undefined) {
    if (caIds.size >= MAX_ORIGINS) caIds = new Map();
    id = caIds.size + 1;
    caIds.set(ca, id);
  }
  return `ca${id}`;
}

function secureContextFor(ca: string): SecureContext {
  let context = secureContexts.get(ca);
  if (context === undefined) {
    if (secureContexts.size >= MAX_ORIGINS) secureContexts.clear();
    context = createSecureContext({ ca: [...rootCertificates, ca] });
    secureContexts.set(ca, context);
  }
  return context;
}

/** A lookup that answers every query with the vetted address and nothing else. */
function pinnedLookup(address: string, family: 4 | 6) {
  return (
    _hostname: string,
    options: LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

function closeQuietly(pool: Pool): void {
  pool.close().catch(() => {});
}

function poolFor(
  url: URL,
  address: string,
  family: 4 | 6,
  addresses: string[],
  ca: string | undefined,
): Pool {
  const key = `${url.origin} ${caKey(ca)}`;
  let entry = origins.get(key);
  if (entry === undefined) {
    entry = { byAddress: new Map() };
    if (origins.size >= MAX_ORIGINS) {
      const oldest = origins.keys().next();
      if (!oldest.done) {
        for (const pool of origins.get(oldest.value)?.byAddress.values() ?? []) closeQuietly(pool);
        origins.delete(oldest.value);
      }
    }
  } else {
    origins.delete(key);
  }
  origins.set(key, entry);

  // Connections pinned to an address the host no longer resolves to are closed, never reused.
  for (const [pinned, pool] of entry.byAddress) {
    if (!addresses.includes(pinned)) {
      closeQuietly(pool);
      entry.byAddress.delete(pinned);
    }
  }

  let pool = entry.byAddress.get(address);
  if (pool === undefined) {
    pool = new Pool(url.origin, {
      connect: {
        lookup: pinnedLookup(address, family),
        ...(ca === undefined ? {} : { secureContext: secureContextFor(ca) }),
      },
      keepAliveTimeout: KEEP_ALIVE_MS,
      keepAliveMaxTimeout: KEEP_ALIVE_MS,
    });
    entry.byAddress.set(address, pool);
  }
  return pool;
}

/**
 * Closes every kept-alive connection (for shutdown and tests). Sends in flight finish first
 * (each is bounded by its own deadline); later sends open new connections.
 */
export async function closeWebhookConnections(): Promise<void> {
  const pools = [...origins.values()].flatMap((entry) => [...entry.byAddress.values()]);
  origins.clear();
  await Promise.allSettled(pools.map((pool) => pool.close()));
}

// ---------------------------------------------------------------------------------------------
// Errors

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Every error code on an error, its causes and, for aggregate errors, its members. */
function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown): void => {
    if (e === null || typeof e !== "object" || seen.has(e)) return;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    visit((e as { cause?: unknown }).cause);
    const members = (e as { errors?: unknown }).errors;
    if (Array.isArray(members)) for (const member of members) visit(member);
  };
  visit(err);
  return codes;
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    if (err.message) return err.message;
    const members = (err as { errors?: unknown }).errors;
    if (Array.isArray(members) && members[0] instanceof Error) return members[0].message;
    return err.name;
  }
  return String(err);
}

const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "HOSTNAME_MISMATCH",
  "EPROTO",
]);

function isTlsCode(code: string): boolean {
  return (
    TLS_CODES.has(code) ||
    code.startsWith("CERT_") ||
    code.startsWith("ERR_TLS_") ||
    code.startsWith("ERR_SSL_") ||
    code.startsWith("ERR_OSSL_")
  );
}

function classifyFailure(err: unknown, target: string): { errorClass: SendErrorClass; error: string } {
  const codes = errorCodes(err);
  const message = oneLine(errorMessage(err));
  const has = (...wanted: string[]) => codes.some((code) => wanted.includes(code));
  const tlsCode = codes.find(isTlsCode);
  if (tlsCode !== undefined) {
    return { errorClass: "tls", error: `TLS handshake with ${target} failed: ${message} (${tlsCode})` };
  }
  if (has("ECONNREFUSED")) return { errorClass: "refused", error: `Connection refused by ${target}` };
  if (
    has("ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_RES_CONTENT_LENGTH_MISMATCH") ||
    /socket hang up|other side closed/i.test(message)
  ) {
    return { errorClass: "reset", error: `Connection reset by ${target} (${message})` };
  }
  if (has("ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "ENODATA")) {
    return { errorClass: "dns", error: `DNS lookup failed: ${message}` };
  }
  if (has("UND_ERR_CONNECT_TIMEOUT", "ETIMEDOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT")) {
    return { errorClass: "timeout", error: `Timed out talking to ${target} (${message})` };
  }
  const code = codes[0];
  return {
    errorClass: "network",
    error: `Network error talking to ${target}: ${message}${code ? ` (${code})` : ""}`,
  };
}

function timeoutMessage(timeoutMs: number, phase: Phase, host: string): string {
  switch (phase) {
    case "resolve":
      return `Timed out after ${timeoutMs} ms resolving ${host}`;
    case "response":
      return `Timed out after ${timeoutMs} ms waiting for the receiver`;
    case "body":
      return `Timed out after ${timeoutMs} ms reading the receiver's response`;
  }
}

// ---------------------------------------------------------------------------------------------
// Sending

/**
 * The deadline of one send, as the abort signal undici takes. An EventEmitter rather than an
 * AbortController: undici accepts either, and EventTarget listeners cost more than the rest
 * of a send's bookkeeping together.
 */
class Deadline extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(timeoutMs: number) {
    super();
    this.timer = setTimeout(() => {
      this.aborted = true;
      this.reason = new DeadlineError(`deadline of ${timeoutMs} ms exceeded`);
      this.emit("abort");
    }, timeoutMs);
  }

  clear(): void {
    clearTimeout(this.timer);
  }

  /** Settles with `promise`, or rejects when the deadline passes first. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.aborted) return Promise.reject(this.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.reason);
      this.once("abort", onAbort);
      promise.then(
        (value) => {
          this.removeListener("abort", onAbort);
          resolve(value);
        },
        (err: unknown) => {
          this.removeListener("abort", onAbort);
          reject(err);
        },
      );
    });
  }
}

/**
 * Text as a delivery's record can keep it: PostgreSQL's text refuses the NUL character, which
 * a receiver's binary answer may hold, and one outcome it refuses would sink its whole batch.
 */
export function storable(text: string): string {
  return text.includes("\u0000") ? text.replaceAll("\u0000", "\uFFFD") : text;
}

/** Reads at most `cap` bytes, then stops reading and destroys the stream. */
function readCapped(body: Readable, cap: number) {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(storable(Buffer.concat(chunks, size).toString("utf8")));
    };
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(err);
    };
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      const room = cap - size;
      if (buf.length > room) {
        chunks.push(buf.subarray(0, room));
        size += room;
        finish();
        body.destroy();
        return;
      }
      chunks.push(buf);
      size += buf.length;
    };
    const cleanup = () => {
      body.removeListener("data", onData);
      body.removeListener("end", finish);
      body.removeListener("error", fail);
      body.removeListener("close", onClose);
      // A late error from the destroyed stream must not go unhandled.
      body.on("error", () => {});
    };
    const onClose = () => fail(new Error("response stream closed early"));
    body.on("data", onData);
    body.once("end", finish);
    body.once("error", fail);
    body.once("close", onClose);
  });
}

/** Sends one delivery. Never throws: every failure is a `SendResult` with `ok: false`. */
export async function sendWebhook(request: SendRequest): Promise<SendResult> {
  const started = performance.now();
  const timeoutMs =
    typeof request.timeoutMs === "number" && Number.isFinite(request.timeoutMs) && request.timeoutMs > 0
      ? request.timeoutMs
      : DEFAULT_TIMEOUT_MS;
  const done = (
    fields: Omit<SendResult, "durationMs" | "ok" | "retryAfter"> & {
      ok?: boolean;
      retryAfter?: string | null;
    },
  ): SendResult => ({
    ok: fields.ok ?? false,
    retryAfter: fields.retryAfter ?? null,
    statusCode: fields.statusCode,
    responseBody: fields.responseBody,
    durationMs: Math.round(performance.now() - started),
    errorClass: fields.errorClass,
    error: fields.error === null ? null : storable(fields.error),
  });

  const deadline = new Deadline(timeoutMs);
  let phase: Phase = "resolve";
  let statusCode: number | null = null;
  let host = request.url;
  let target = request.url;

  try {
    const vetted = await deadline.race(
      resolveForSend(request.url, { allowPrivate: request.allowPrivate, resolver: request.resolver }),
    );
    if (!vetted.ok) {
      return done({
        statusCode: null,
        responseBody: null,
        errorClass: vetted.errorClass,
        error: vetted.reason,
      });
    }
    const { url, address, family } = vetted;
    host = url.host;
    target = family === 6 ? `[${address}]:${url.port || 443}` : `${address}:${url.port || 443}`;
    if (url.hostname !== address && url.hostname !== `[${address}]`) target = `${host} (${target})`;

    phase = "response";
    const pool = poolFor(url, address, family, vetted.addresses, request.ca);
    const response = await pool.request({
      path: `${url.pathname}${url.search}`,
      method: "POST",
      headers: request.headers,
      body: request.body,
      signal: deadline,
    });
    statusCode = response.statusCode;

    phase = "body";
    const responseBody = await readCapped(response.body, RESPONSE_BODY_CAP);

    if (statusCode >= 200 && statusCode < 300) {
      return done({ ok: true, statusCode, responseBody, errorClass: null, error: null });
    }
    if (statusCode >= 300 && statusCode < 400) {
      const location = response.headers.location;
      const where = Array.isArray(location) ? location[0] : location;
      const error = where
        ? `Receiver answered ${statusCode}, a redirect to ${oneLine(where)}; redirects are not followed`
        : `Receiver answered ${statusCode}, a redirect without a Location; redirects are not followed`;
      return done({ statusCode, responseBody, errorClass: "http_status", error });
    }
    const retryAfter = response.headers["retry-after"];
    return done({
      statusCode,
      responseBody,
      errorClass: "http_status",
      error: `Receiver answered ${statusCode}`,
      retryAfter: typeof retryAfter === "string" ? retryAfter : null,
    });
  } catch (err) {
    if (deadline.aborted) {
      return done({
        statusCode,
        responseBody: null,
        errorClass: "timeout",
        error: timeoutMessage(timeoutMs, phase, host),
      });
    }
    const failure = classifyFailure(err, target);
    return done({ statusCode, responseBody: null, ...failure });
  } finally {
    deadline.clear();
  }
}
