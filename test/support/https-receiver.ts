/**
 * A real HTTPS webhook receiver for tests and benchmarks.
 *
 * ```ts
 * const receiver = await startReceiver({ respond: { status: 200, body: "ok" } });
 * await sendWebhook({ url: receiver.url, ca: receiver.ca, allowPrivate: true, ... });
 * const [request] = await receiver.waitFor(1);
 * receiver.respond = { kind: "never" }; // change the behaviour for the next requests
 * await receiver.close();
 * ```
 *
 * It listens on 127.0.0.1, port 0 (a free port), with a self-signed certificate from
 * `certs.ts` (valid for localhost, 127.0.0.1, ::1 and any `dnsNames`). Every request is
 * recorded in `requests`, in arrival order, after its body has been read in full.
 */

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { type TestCert, testCert } from "./certs.js";

export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  /** Lowercased header names, as Node parses them. */
  headers: IncomingHttpHeaders;
  /** The exact body bytes. */
  rawBody: Buffer;
  /** `rawBody` as UTF-8 text. */
  body: string;
  /** `performance.now()` when the body had arrived in full. */
  receivedAt: number;
  /** `Date.now()` at the same moment. */
  receivedAtEpochMs: number;
  /** Local port of the client's connection, to tell connections apart. */
  remotePort: number | undefined;
}

/** How the receiver answers one request. */
export type Reply =
  /** A plain answer (default 200, empty body), optionally after `delayMs`. */
  | {
      kind?: "answer";
      status?: number;
      body?: string | Buffer;
      headers?: Record<string, string>;
      delayMs?: number;
    }
  /** Never answer: the request hangs until the client gives up or the receiver closes. */
  | { kind: "never" }
  /** Reset the TCP connection (RST) instead of answering, optionally after `delayMs`. */
  | { kind: "reset"; delayMs?: number }
  /** A redirect to `location` (default status 302). */
  | { kind: "redirect"; location: string; status?: number }
  /**
   * Stream `bytes` bytes of body (status default 200), in chunks of `chunkSize` (default 64 KiB)
   * filled with `byte` (default "x"), `chunkDelayMs` apart (default 0), honouring backpressure
   * and stopping when the client goes away. Headers go out first, with a Content-Length.
   */
  | {
      kind: "stream";
      bytes: number;
      status?: number;
      chunkSize?: number;
      byte?: number;
      chunkDelayMs?: number;
    };

/** A fixed reply, or a function of the request (its number is `index`, from 0). */
export type Responder = Reply | ((request: ReceivedRequest, index: number) => Reply | Promise<Reply>);

export interface ReceiverOptions {
  /** Default `{ status: 200, body: "ok" }`. Can be changed later through `receiver.respond`. */
  respond?: Responder;
  /** Extra DNS names for the certificate (e.g. `hooks.test`). Ignored when `cert` is given. */
  dnsNames?: string[];
  /** Use this certificate instead of the shared one (e.g. a fresh one clients do not trust). */
  cert?: TestCert;
  /** Keep-alive timeout of the server, ms. Default 5000. */
  keepAliveTimeoutMs?: number;
}

export interface Receiver {
  /** `https://127.0.0.1:<port>/hook`. */
  url: string;
  /** `https://127.0.0.1:<port>`. */
  origin: string;
  port: number;
  /** The certificate a client must trust, PEM. */
  ca: string;
  /** Every request received, in arrival order. */
  readonly requests: ReceivedRequest[];
  /** How many TCP connections were accepted so far. */
  readonly connectionCount: number;
  /** The current responder; assign to change how the next requests are answered. */
  respond: Responder;
  /** Resolves with `requests` once at least `n` have arrived; rejects after `timeoutMs` (default 5000). */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Forgets recorded requests. */
  clear(): void;
  /** Stops listening and destroys every open connection, hanging ones included. */
  close(): Promise<void>;
  /** The underlying server. */
  server: Server;
}

const DEFAULT_REPLY: Reply = { status: 200, body: "ok" };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function streamBody(
  res: ServerResponse,
  bytes: number,
  chunkSize: number,
  byte: number,
  chunkDelayMs: number,
): Promise<void> {
  const chunk = Buffer.alloc(Math.max(1, Math.min(chunkSize, bytes)), byte);
  let left = bytes;
  res.flushHeaders();
  while (left > 0 && !res.destroyed) {
    if (chunkDelayMs > 0) await sleep(chunkDelayMs);
    if (res.destroyed) break;
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
    left -= piece.length;
    if (!res.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    }
  }
  if (!res.destroyed) res.end();
}

/** Starts a receiver. Always `close()` it (e.g. in `afterEach`/`afterAll`). */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const cert = options.cert ?? (await testCert({ dnsNames: options.dnsNames }));
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  /** Raw TCP sockets by `remoteAddress:remotePort`, to send a real RST. */
  const rawByPeer = new Map<string, Socket>();
  let connectionCount = 0;
  let closed = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const record: ReceivedRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      rawBody,
      body: rawBody.toString("utf8"),
      receivedAt: performance.now(),
      receivedAtEpochMs: Date.now(),
      remotePort: req.socket.remotePort,
    };
    const index = requests.length;
    requests.push(record);
    for (const wake of [...waiters]) wake();

    const responder = receiver.respond;
    const reply = typeof responder === "function" ? await responder(record, index) : responder;
    switch (reply.kind) {
      case "never":
        return;
      case "reset": {
        if (reply.delayMs) await sleep(reply.delayMs);
        const raw = rawByPeer.get(`${req.socket.remoteAddress}:${req.socket.remotePort}`);
        if (raw && typeof raw.resetAndDestroy === "function") raw.resetAndDestroy();
        else req.socket.destroy();
        return;
      }
      case "redirect":
        res.writeHead(reply.status ?? 302, { location: reply.location, "content-type": "text/plain" });
        res.end(`Moved to ${reply.location}`);
        return;
      case "stream":
        res.writeHead(reply.status ?? 200, {
          "content-type": "application/octet-stream",
          "content-length": String(reply.bytes),
        });
        await streamBody(
          res,
          reply.bytes,
          reply.chunkSize ?? 64 * 1024,
          reply.byte ?? 0x78,
          reply.chunkDelayMs ?? 0,
        );
        return;
      default: {
        if (reply.delayMs) await sleep(reply.delayMs);
        if (res.destroyed) return;
        const body = reply.body ?? "";
        res.writeHead(reply.status ?? 200, { "content-type": "text/plain; charset=utf-8", ...reply.headers });
        res.end(body);
      }
    }
  };

  const server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500);
        res.end("receiver error");
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5000;
  server.on("connection", (socket: Socket) => {
    connectionCount++;
    sockets.add(socket);
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    rawByPeer.set(peer, socket);
    socket.on("close", () => {
      sockets.delete(socket);
      rawByPeer.delete(peer);
    });
  });
  server.on("tlsClientError", () => {});

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("receiver has no TCP address");
  const port = address.port;
  const origin = `https://127.0.0.1:${port}`;

  const receiver: Receiver = {
    url: `${origin}/hook`,
    origin,
    port,
    ca: cert.ca,
    requests,
    get connectionCount() {
      return connectionCount;
    },
    respond: options.respond ?? DEFAULT_REPLY,
    server,
    waitFor(n, timeoutMs = 5000) {
      if (requests.length >= n) return Promise.resolve(requests);
      return new Promise((resolve, reject) => {
        const wake = () => {
          if (requests.length < n) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(requests);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(
            new Error(`receiver got ${requests.length} request(s), expected ${n} within ${timeoutMs} ms`),
          );
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    clear() {
      requests.length = 0;
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
    },
  };
  return receiver;
}
