import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { toNodeHandler } from "@modelcontextprotocol/node";
import { type AuthInfo, createMcpHandler } from "@modelcontextprotocol/server";
import { SSEServerTransport } from "@modelcontextprotocol/server-legacy/sse";
import type { App } from "../app.js";
import type { Actor } from "../events/recorder.js";
import type { ToolSelection } from "../mcp/registry.js";
import { buildMcpServer } from "../mcp/server.js";
import { uiHandler } from "./ui/index.js";

export interface HttpOptions {
  host: string;
  port: number;
  selection?: ToolSelection;
  log?: (message: string) => void;
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export function isLoopbackHost(host: string): boolean {
  return LOCAL_HOSTS.has(host) || host.startsWith("127.");
}

/** The API key of a request: `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function keyOf(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim() || null;
  const header = req.headers["x-api-key"];
  return (Array.isArray(header) ? header[0] : header)?.trim() || null;
}

function hostnameOf(value: string): string {
  try {
    return new URL(`http://${value}`).hostname;
  } catch {
    // Stryker disable next-line StringLiteral: equivalent, any host that is not loopback is refused alike
    return "";
  }
}

/**
 * When bound to a loopback address, a page on another site must not reach the server
 * through a DNS name that points at 127.0.0.1: the Host and Origin must be local too.
 */
function rebindingRefusal(req: IncomingMessage, boundLocal: boolean): string | null {
  if (!boundLocal) return null;
  // Stryker disable next-line StringLiteral: equivalent, a missing Host and any other non-loopback one are refused alike
  const host = hostnameOf(req.headers.host ?? "");
  if (!isLoopbackHost(host)) return `Host "${req.headers.host}" is not allowed`;
  const origin = req.headers.origin;
  if (origin && origin !== "null") {
    // Stryker disable next-line StringLiteral: equivalent, an Origin that does not parse is refused whatever this holds
    let originHost = "";
    try {
      originHost = new URL(origin).hostname;
    } catch {}
    if (!isLoopbackHost(originHost)) return `Origin "${origin}" is not allowed`;
  }
  return null;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function actorOf(auth: AuthInfo | undefined): Actor {
  const actor = auth?.extra?.actor as Actor | undefined;
  // Stryker disable next-line all: unreachable, /mcp sets the actor before the handler runs; kept so a new route cannot forget it silently
  if (!actor) throw new Error("MCP request reached the handler without an authenticated actor");
  return actor;
}

function unauthorized(res: ServerResponse, sent: boolean) {
  const error = sent
    ? "Unauthorized: that API key is not valid for this server's database (make one with `crm-mcp keys create --name NAME`, with the same CRM_DB)"
    : "Unauthorized: send an API key as `Authorization: Bearer <key>` or `x-api-key: <key>` (make one with `crm-mcp keys create --name NAME`)";
  sendJson(res, 401, { error }, { "www-authenticate": 'Bearer realm="crm-mcp"' });
}

/**
 * The HTTP face: Streamable HTTP MCP at /mcp, the legacy HTTP+SSE transport at /sse and
 * /messages, the web UI at /, and /healthz. Every MCP request needs an API key, and the
 * key decides the user and the company.
 */
export async function startHttpServer(
  app: App,
  options: HttpOptions,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const boundLocal = isLoopbackHost(options.host);
  const mcp = createMcpHandler(
    (ctx) => buildMcpServer(app, actorOf(ctx.authInfo), options.selection, options.log),
    { onerror: (e) => options.log?.(`mcp: ${e.message}`) },
  );
  const mcpNode = toNodeHandler(mcp);
  const sessions = new Map<string, { transport: SSEServerTransport; actor: Actor }>();
  const ui = uiHandler(app);

  const authenticate = async (req: IncomingMessage): Promise<Actor | null> =>
    app.tenants.authenticate(keyOf(req));

  const server = createServer(async (req, res) => {
    try {
      // Stryker disable next-line StringLiteral: equivalent, Node's server always sets req.url
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname === "/healthz") return sendJson(res, 200, { ok: true });
      const refusal = rebindingRefusal(req, boundLocal);
      if (refusal) return sendJson(res, 403, { error: `Forbidden: ${refusal}` });

      if (url.pathname === "/mcp") {
        const actor = await authenticate(req);
        if (!actor) return unauthorized(res, keyOf(req) !== null);
        // Stryker disable next-line ArrayDeclaration: equivalent, no tool reads scopes
        const auth: AuthInfo = { token: keyOf(req)!, clientId: actor.userId, scopes: [], extra: { actor } };
        (req as IncomingMessage & { auth?: AuthInfo }).auth = auth;
        return await mcpNode(req as never, res as never);
      }
      if (url.pathname === "/sse" && req.method === "GET") {
        const actor = await authenticate(req);
        if (!actor) return unauthorized(res, keyOf(req) !== null);
        const transport = new SSEServerTransport("/messages", res);
        sessions.set(transport.sessionId, { transport, actor });
        transport.onclose = () => sessions.delete(transport.sessionId);
        res.on("close", () => sessions.delete(transport.sessionId));
        await buildMcpServer(app, actor, options.selection, options.log).connect(transport);
        return;
      }
      if (url.pathname === "/messages" && req.method === "POST") {
        const actor = await authenticate(req);
        if (!actor) return unauthorized(res, keyOf(req) !== null);
        // Stryker disable next-line StringLiteral: equivalent, no session has any fixed id
        const session = sessions.get(url.searchParams.get("sessionId") ?? "");
        if (!session || session.actor.userId !== actor.userId) {
          return sendJson(res, 404, { error: "Unknown sessionId: open a stream with GET /sse first" });
        }
        return await session.transport.handlePostMessage(req, res);
      }
      if (await ui(req, res, url)) return;
      sendJson(res, 404, { error: `Not found: ${url.pathname}` });
    } catch (error) {
      options.log?.(`http: ${(error as Error).stack ?? error}`);
      if (!res.headersSent) sendJson(res, 500, { error: "Internal error" });
      else res.end();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    async close() {
      for (const s of sessions.values()) await s.transport.close().catch(() => undefined);
      // Stryker disable next-line OptionalChaining: equivalent with this SDK, whose handler has close
      await mcp.close?.();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
