import type { IncomingMessage, ServerResponse } from "node:http";
import { toNodeHandler } from "@modelcontextprotocol/node";
import {
  type AuthInfo,
  type CreateMcpHandlerOptions,
  classifyInboundRequest,
  createMcpHandler,
  isJsonContentType,
  isLegacyRequest,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type McpHandlerRequestOptions,
  type McpServer,
  type McpServerFactory,
  type MessageExtraInfo,
  parseJSONRPCMessage,
  SUPPORTED_PROTOCOL_VERSIONS,
  type Transport,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import { IdlePool } from "./mcp-pool.js";

function jsonRpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", error: { code, message }, id: null }, { status });
}

/**
 * Streamable HTTP without sessions: the SDK's handler for the 2026 revision, and for
 * 2025-era requests (what most clients send today) a stateless exchange answered with one
 * JSON body. The SDK's own 2025 fallback answers every call as an SSE stream, whose framing
 * and piping cost more CPU than a small tool call itself; our tools send no progress or log
 * notifications mid-call, so a stream carries nothing a JSON body does not.
 */
export function statelessMcpHandler(
  factory: McpServerFactory,
  options: Pick<CreateMcpHandlerOptions, "onerror"> = {},
): {
  fetch: (request: Request, options?: McpHandlerRequestOptions) => Promise<Response>;
  close(): Promise<void>;
} {
  const modern = createMcpHandler(factory, { ...options, legacy: "reject" });
  const legacy = async (request: Request, requestOptions?: McpHandlerRequestOptions) => {
    // No session to resume or end: GET and DELETE have nothing to act on.
    if (request.method.toUpperCase() !== "POST") return jsonRpcError(405, -32000, "Method not allowed.");
    try {
      const authInfo = requestOptions?.authInfo;
      const product = await factory({ era: "legacy", ...(authInfo && { authInfo }), requestInfo: request });
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      await product.connect(transport);
      try {
        return await transport.handleRequest(request, authInfo ? { authInfo } : {});
      } finally {
        // The answer is complete: the instance is free for the next request.
        await product.close();
      }
    } catch (error) {
      options.onerror?.(error as Error);
      return jsonRpcError(500, -32603, "Internal error");
    }
  };
  return {
    fetch: async (request, requestOptions) =>
      (await isLegacyRequest(request))
        ? legacy(request, requestOptions)
        : modern.fetch(request, requestOptions),
    close: () => modern.close(),
  };
}

/** The SDK's own bound on a request body, 4 MiB. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

type ScopeChallengeResolver = (context: { request: JSONRPCRequest; authInfo?: AuthInfo }) => unknown;

/**
 * A transport that stays connected to one kept server instance and carries one exchange at a
 * time: the request goes in through `onmessage`, its answer comes back through `send`. The
 * instance is connected once, not per request. A notification sent during a call has nowhere
 * to go, as in the SDK's own JSON answers, and is dropped.
 */
export class ExchangeTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport["onmessage"];
  private pending?: { id: JSONRPCRequest["id"]; resolve: (answer: JSONRPCMessage) => void };
  /** Set by `McpServer.connect`: a tool may ask for more scopes than the token holds. */
  scopeChallenge?: ScopeChallengeResolver;

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.onclose?.();
  }

  setScopeChallengeResolver(resolver: ScopeChallengeResolver): void {
    this.scopeChallenge = resolver;
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const pending = this.pending;
    if (pending && "id" in message && !("method" in message) && message.id === pending.id) {
      this.pending = undefined;
      pending.resolve(message);
    }
  }

  /** Delivers a request to the instance and resolves with its answer. */
  request(message: JSONRPCRequest, extra: MessageExtraInfo): Promise<JSONRPCMessage> {
    if (this.pending) throw new Error("ExchangeTransport carries one exchange at a time");
    return new Promise((resolve) => {
      this.pending = { id: message.id, resolve };
      this.onmessage?.(message, extra);
    });
  }

  notify(message: JSONRPCMessage, extra: MessageExtraInfo): void {
    this.onmessage?.(message, extra);
  }
}

interface Lane {
  server: McpServer;
  transport: ExchangeTransport;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** The body of a request, or null past `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once("error", reject);
  });
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * `/mcp` on Node's own request and response. A 2025-era request (what most clients send
 * today) that is an ordinary JSON-RPC request or notification is served here: its body read
 * and parsed once, handed to a kept instance through a transport connected once, and its
 * answer written as one JSON body with its length. Everything else (the 2026 revision,
 * batches, malformed or refused requests) goes to the SDK's handler, which answers as before:
 * the checks below only decide which of the two serves the request, never refuse one.
 */
export function mcpHttpHandler(options: {
  /** The SDK's web handler, for every request not served here. */
  sdk: { fetch: (request: Request, options?: McpHandlerRequestOptions) => Promise<Response> };
  /** Which kept instances may serve a request: who it acts for, with which tools. */
  laneKey: (authInfo: AuthInfo) => string;
  /** A new instance for a request of this caller. */
  build: (authInfo: AuthInfo) => McpServer;
  onerror?: (error: Error) => void;
  lanes?: IdlePool<Lane>;
}) {
  const lanes = options.lanes ?? new IdlePool<Lane>();
  const node = toNodeHandler(options.sdk, { onerror: options.onerror });

  const takeLane = async (key: string, authInfo: AuthInfo): Promise<Lane> => {
    const idle = lanes.take(key);
    if (idle) return idle;
    const server = options.build(authInfo);
    const transport = new ExchangeTransport();
    await server.connect(transport);
    return { server, transport };
  };

  /** True when served here; false leaves the request, untouched, to the SDK. */
  const serve = async (
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    authInfo: AuthInfo,
  ): Promise<boolean> => {
    const accept = header(req, "accept");
    if (!accept?.includes("application/json") || !accept.includes("text/event-stream")) return false;
    if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
    const version = header(req, "mcp-protocol-version");
    const route = classifyInboundRequest({
      httpMethod: "POST",
      protocolVersionHeader: version,
      mcpMethodHeader: header(req, "mcp-method"),
      mcpNameHeader: header(req, "mcp-name"),
      body,
    });
    if (
      route.kind !== "legacy" ||
      (route.reason !== "no-claim" && route.reason !== "initialize" && route.reason !== "notification")
    )
      return false;
    let message: JSONRPCMessage;
    try {
      message = parseJSONRPCMessage(body);
    } catch {
      return false;
    }
    if (!("method" in message)) return false;
    // The SDK checks the version a request names, except on initialize, which negotiates it.
    if (
      message.method !== "initialize" &&
      version !== undefined &&
      !SUPPORTED_PROTOCOL_VERSIONS.includes(version)
    )
      return false;
    const key = options.laneKey(authInfo);
    const lane = await takeLane(key, authInfo);
    const extra = { authInfo };
    if (!("id" in message)) {
      lane.transport.notify(message, extra);
      lanes.give(key, lane);
      res.writeHead(202);
      res.end();
      return true;
    }
    if (lane.transport.scopeChallenge?.({ request: message, authInfo }) !== undefined) {
      lanes.give(key, lane);
      return false;
    }
    const answer = await lane.transport.request(message, extra);
    lanes.give(key, lane);
    sendText(res, 200, JSON.stringify(answer));
    return true;
  };

  return {
    async handle(req: IncomingMessage, res: ServerResponse, authInfo: AuthInfo): Promise<void> {
      (req as IncomingMessage & { auth?: AuthInfo }).auth = authInfo;
      if (
        req.method !== "POST" ||
        !isJsonContentType(header(req, "content-type") ?? null) ||
        Number(header(req, "content-length")) > MAX_BODY_BYTES
      )
        return node(req, res);
      const raw = await readBody(req, MAX_BODY_BYTES);
      if (!raw) {
        return sendText(
          res,
          413,
          JSON.stringify({
            jsonrpc: "2.0",
            error: {
              code: -32000,
              message: `Payload Too Large: Request body must not exceed ${MAX_BODY_BYTES} bytes`,
            },
            id: null,
          }),
          { connection: "close" },
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        // Not JSON: the SDK's own answer, from the bytes as they came.
        const request = new Request(`http://localhost${req.url ?? "/mcp"}`, {
          method: "POST",
          headers: req.headers as Record<string, string>,
          body: raw,
        });
        const response = await options.sdk.fetch(request, { authInfo });
        return sendText(res, response.status, await response.text());
      }
      try {
        if (await serve(req, res, body, authInfo)) return;
      } catch (error) {
        options.onerror?.(error as Error);
        if (!res.headersSent)
          return sendText(
            res,
            500,
            JSON.stringify({ jsonrpc: "2.0", error: { code: -32603, message: "Internal error" }, id: null }),
          );
        return;
      }
      return node(req, res, body);
    },
    close(): void {
      lanes.clear();
    },
  };
}
