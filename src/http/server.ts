import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { AuthInfo } from "@modelcontextprotocol/server";
import { SSEServerTransport } from "@modelcontextprotocol/server-legacy/sse";
import type { App } from "../app.js";
import { ConfigError } from "../config.js";
import type { Actor } from "../events/recorder.js";
import type { ToolSelection } from "../mcp/registry.js";
import { buildMcpServer } from "../mcp/server.js";
import type { Logger } from "../telemetry/log.js";
import { httpRouteOf } from "../telemetry/metrics.js";
import { apiHandler } from "./api/index.js";
import { foreignHostRefusal, isLoopbackHost } from "./local-origin.js";
import { mcpHttpHandler, statelessMcpHandler } from "./mcp-handler.js";
import { McpServerPool, poolKey } from "./mcp-pool.js";
import { createOAuthServer, type OAuthServer } from "./oauth/provider.js";
import { selectionForScopes } from "./oauth/scopes.js";
import { uiHandler } from "./ui/index.js";

export interface HttpOptions {
  host: string;
  port: number;
  selection?: ToolSelection;
  log?: (message: string) => void;
  /** One info line per request: method, path, status, ms; never a header, query or body. */
  logger?: Logger;
  /** Serve OAuth 2.1 for remote MCP clients (default: `CRM_OAUTH`, on unless set to 0). */
  oauth?: boolean;
  /** An extra CA trusted when fetching OAuth client metadata documents (tests). */
  ca?: string;
}

/**
 * Why OAuth cannot be served as configured, or null. Tokens and codes cross the network, so
 * they need TLS unless the server is reached on loopback only.
 */
export function oauthRefusal(host: string, publicUrl: string | undefined): string | null {
  if (publicUrl?.startsWith("https://")) return null;
  if (isLoopbackHost(host) && !publicUrl) return null;
  if (isLoopbackHost(host) && publicUrl && isLoopbackHost(new URL(publicUrl).hostname)) return null;
  return `OAuth needs HTTPS when serving on ${host}: set CRM_PUBLIC_URL=https://your.host to the address of the TLS reverse proxy in front (see "Connect Claude (remote)" in the README), or CRM_OAUTH=0 to accept API keys only`;
}

/** How long /readyz waits for the store before it answers 503. */
const READY_DEADLINE_MS = 2000;

/** 200 when the store answers a query within the deadline, 503 with the reason otherwise. */
async function ready(app: App, res: ServerResponse): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the store did not answer within ${READY_DEADLINE_MS} ms`)),
      READY_DEADLINE_MS,
    );
  });
  try {
    await Promise.race([app.store.ping(), deadline]);
    sendJson(res, 200, { ok: true });
  } catch (error) {
    sendJson(res, 503, { ok: false, error: `not ready: ${(error as Error).message}` });
  } finally {
    clearTimeout(timer);
  }
}

/** Logs and times each request once it is over, whether answered or cut off. */
function observe(app: App, logger: Logger | undefined, req: IncomingMessage, res: ServerResponse): void {
  const started = performance.now();
  // The path only: a query string may carry a session id. Taken now, as a handler may rewrite req.url.
  // Stryker disable next-line StringLiteral: equivalent, Node's server always sets req.url
  const raw = req.url ?? "/";
  const q = raw.indexOf("?");
  const path = (q === -1 ? raw : raw.slice(0, q)).slice(0, 200);
  res.once("close", () => {
    const ms = performance.now() - started;
    const status = res.headersSent ? res.statusCode : 0;
    // Stryker disable next-line StringLiteral: equivalent, Node's server always sets req.method
    app.metrics.recordHttpRequest(req.method ?? "", httpRouteOf(path), status, ms / 1000);
    logger?.info({ method: req.method, path, status, ms: Math.round(ms * 10) / 10 }, "request");
  });
}

export { isLoopbackHost } from "./local-origin.js";

/** The API key of a request: `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function keyOf(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim() || null;
  const header = req.headers["x-api-key"];
  return (Array.isArray(header) ? header[0] : header)?.trim() || null;
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

function unauthorizedText(sent: boolean, tokenProblem?: string): string {
  return tokenProblem
    ? `Unauthorized: ${tokenProblem}; authorize again, or send an API key`
    : sent
      ? "Unauthorized: that API key is not valid for this server's database (make one with `crm-mcp keys create --name NAME`, with the same CRM_DB)"
      : "Unauthorized: send an API key as `Authorization: Bearer <key>` or `x-api-key: <key>` (make one with `crm-mcp keys create --name NAME`)";
}

/** RFC 9728: the challenge tells an OAuth client where to start, and that its token was refused. */
function challengeOf(oauth: OAuthServer | undefined, tokenProblem?: string): string {
  return oauth
    ? `Bearer realm="crm-mcp", resource_metadata="${oauth.resourceMetadataUrl}"${
        tokenProblem ? ', error="invalid_token"' : ""
      }`
    : 'Bearer realm="crm-mcp"';
}

function unauthorized(res: ServerResponse, sent: boolean, oauth?: OAuthServer, tokenProblem?: string) {
  sendJson(
    res,
    401,
    { error: unauthorizedText(sent, tokenProblem) },
    { "www-authenticate": challengeOf(oauth, tokenProblem) },
  );
}

interface Caller {
  actor: Actor;
  /** What an OAuth token's scopes allow; absent for an API key (the server's own selection). */
  selection?: ToolSelection;
}

/**
 * The HTTP face: Streamable HTTP MCP at /mcp, the legacy HTTP+SSE transport at /sse and
 * /messages, the REST API at /api/v1, the web UI at /, and /healthz. Every MCP request needs an API key, and the
 * key decides the user and the company.
 */
export async function startHttpServer(
  app: App,
  options: HttpOptions,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const boundLocal = isLoopbackHost(options.host);
  const oauthOn = options.oauth ?? app.config.oauth ?? true;
  if (oauthOn) {
    const refusal = oauthRefusal(options.host, app.config.publicUrl);
    if (refusal) throw new ConfigError(refusal);
  }
  let oauth: OAuthServer | undefined;
  // Known once the server listens; tool results link records to the UI at this address.
  let publicUrl = app.config.publicUrl;
  // Instances are reused across requests of the same actor and tool selection: see McpServerPool.
  const pool = new McpServerPool();
  // An OAuth token narrows the tools to its scopes; an API key sees the server's selection.
  const selectionOf = (auth: AuthInfo | undefined) =>
    (auth?.extra?.selection as ToolSelection | undefined) ?? options.selection;
  const build = (auth: AuthInfo | undefined) =>
    buildMcpServer(app, actorOf(auth), selectionOf(auth), options.log, publicUrl);
  const sdk = statelessMcpHandler(
    (ctx) =>
      pool.take(poolKey(ctx.era, actorOf(ctx.authInfo), selectionOf(ctx.authInfo), publicUrl), () =>
        build(ctx.authInfo),
      ),
    { onerror: (e) => options.log?.(`mcp: ${e.message}`) },
  );
  const laneKeys = new WeakMap<Actor, string>();
  const mcp = mcpHttpHandler({
    sdk,
    // The same binding as the SDK path's kept instances: actor, selection, public address, era.
    laneKey: (auth) => {
      const actor = actorOf(auth);
      // Stryker disable next-line OptionalChaining,StringLiteral: equivalent, /mcp always sets extra; the era only names the lanes' own pool
      if (auth.extra?.selection) return poolKey("legacy", actor, selectionOf(auth), publicUrl);
      // An API key's actor is the same object while its lookup is trusted: its key is made once.
      let key = laneKeys.get(actor);
      if (key === undefined) {
        // Stryker disable next-line StringLiteral: equivalent, the era only names the lanes' own pool
        key = poolKey("legacy", actor, options.selection, publicUrl);
        laneKeys.set(actor, key);
      }
      return key;
    },
    build,
    onerror: (e) => options.log?.(`mcp: ${e.message}`),
  });
  // Each /sse session keeps who opened it and with what reach: only the same credentials' reach posts to it.
  const sessions = new Map<string, { transport: SSEServerTransport; owner: string }>();
  const ownerOf = (caller: Caller) =>
    poolKey("sse", caller.actor, caller.selection ?? options.selection, undefined);
  const ui = uiHandler(app, () => oauth, options.selection);

  /** An API key, or an OAuth access token for this server; a refusal says why. */
  const authenticate = async (req: IncomingMessage): Promise<Caller | { problem?: string }> => {
    const key = keyOf(req);
    const actor = await app.tenants.authenticate(key);
    if (actor) return { actor };
    if (!oauth || !key || key.startsWith("crm_") || req.headers["x-api-key"] !== undefined) return {};
    const check = await oauth.verify(key);
    if (!check.ok) return { problem: check.reason };
    return { actor: check.info.actor, selection: selectionForScopes(check.info.scopes, options.selection) };
  };
  const api = apiHandler(app, {
    authenticate,
    unauthorized: (req, tokenProblem) => ({
      detail: unauthorizedText(keyOf(req) !== null, tokenProblem),
      challenge: challengeOf(oauth, tokenProblem),
    }),
    selection: options.selection,
    log: options.log,
    publicUrl: () => publicUrl,
  });

  const server = createServer(async (req, res) => {
    observe(app, options.logger, req, res);
    try {
      // Stryker disable next-line StringLiteral: equivalent, Node's server always sets req.url
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname === "/healthz") return sendJson(res, 200, { ok: true });
      if (url.pathname === "/readyz") return await ready(app, res);
      const refusal = foreignHostRefusal(req.headers, boundLocal);
      if (refusal) return sendJson(res, 403, { error: `Forbidden: ${refusal}` });

      if (oauth?.resourceMetadataPaths.has(url.pathname)) {
        return sendJson(res, 200, oauth.resourceMetadata(), { "access-control-allow-origin": "*" });
      }
      if (oauth?.owns(url.pathname)) return await oauth.handle(req, res);

      if (url.pathname === "/mcp") {
        const caller = await authenticate(req);
        if (!("actor" in caller)) return unauthorized(res, keyOf(req) !== null, oauth, caller.problem);
        const { actor, selection } = caller;
        const auth: AuthInfo = {
          token: keyOf(req)!,
          clientId: actor.userId,
          // Stryker disable next-line ArrayDeclaration: equivalent, no tool reads scopes
          scopes: [],
          extra: { actor, selection },
        };
        return await mcp.handle(req, res, auth);
      }
      if (url.pathname === "/sse" && req.method === "GET") {
        const caller = await authenticate(req);
        if (!("actor" in caller)) return unauthorized(res, keyOf(req) !== null, oauth, caller.problem);
        const { actor } = caller;
        const transport = new SSEServerTransport("/messages", res);
        sessions.set(transport.sessionId, { transport, owner: ownerOf(caller) });
        transport.onclose = () => sessions.delete(transport.sessionId);
        res.on("close", () => sessions.delete(transport.sessionId));
        await buildMcpServer(
          app,
          actor,
          caller.selection ?? options.selection,
          options.log,
          publicUrl,
        ).connect(transport);
        return;
      }
      if (url.pathname === "/messages" && req.method === "POST") {
        const caller = await authenticate(req);
        if (!("actor" in caller)) return unauthorized(res, keyOf(req) !== null, oauth, caller.problem);
        // Stryker disable next-line StringLiteral: equivalent, no session has any fixed id
        const session = sessions.get(url.searchParams.get("sessionId") ?? "");
        // Another user, or the same user with a token of other scopes, does not reach this session.
        if (!session || session.owner !== ownerOf(caller)) {
          return sendJson(res, 404, { error: "Unknown sessionId: open a stream with GET /sse first" });
        }
        return await session.transport.handlePostMessage(req, res);
      }
      if (await api(req, res, url)) return;
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
  const listening = `http://${host}:${address.port}`;
  // 0.0.0.0 and :: are where the server listens, not an address anyone can open.
  if (!publicUrl && !["0.0.0.0", "::"].includes(address.address)) publicUrl = listening;
  if (oauthOn && publicUrl) {
    try {
      oauth = await createOAuthServer(app, {
        baseUrl: publicUrl,
        behindProxy: app.config.publicUrl !== undefined,
        ca: options.ca,
        notice: (line) => options.logger?.debug(line),
      });
    } catch (error) {
      server.close();
      throw error;
    }
  }
  return {
    server,
    url: listening,
    async close() {
      for (const s of sessions.values()) await s.transport.close().catch(() => undefined);
      mcp.close();
      await sdk.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * `/metrics` on a port of its own: the figures cover every tenant of the store, so they are
 * not served where tenants' keys are accepted. Bind it where only the scraper reaches.
 */
export async function startMetricsServer(
  app: App,
  options: { host: string; port: number },
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    try {
      // Stryker disable next-line StringLiteral: equivalent, Node's server always sets req.url
      const target = req.url ?? "/";
      const path = new URL(target, "http://localhost").pathname;
      if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD"))
        return sendJson(res, 404, { error: "Not found: this port serves GET /metrics only" });
      const text = await app.metrics.text();
      res.writeHead(200, {
        "content-type": app.metrics.contentType,
        "content-length": Buffer.byteLength(text),
      });
      // The length is the GET's; Node writes no body in answer to HEAD.
      res.end(text);
    } catch (error) {
      app.logger?.error({ err: error }, "metrics failed");
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
    url: `http://${host}:${address.port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
