import type { IncomingMessage, ServerResponse } from "node:http";
import type { App } from "../../app.js";
import { ValidationError } from "../../domain/errors.js";
import { recordPath } from "../../domain/ids.js";
import { parse } from "../../domain/validate.js";
import type { Actor } from "../../events/recorder.js";
import { callTool, type ToolSelection } from "../../mcp/registry.js";
import { type Answer, checkKey, Idempotency } from "./idempotency.js";
import { openApiDocument } from "./openapi.js";
import { problem, problemOf, sendProblem } from "./problem.js";
import { queryOf } from "./query.js";
import { match, type Route, type RouteInput } from "./routes.js";
import { refusalOf, scopeOf } from "./scope.js";

export const API_BASE = "/api/v1";
/** The largest body a route reads: 100 records with long notes fit. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface ApiOptions {
  /**
   * The user and company of a request's credentials, as /mcp decides them, with what an OAuth
   * token's scopes allow; null without valid ones.
   */
  authenticate(
    req: IncomingMessage,
  ): Promise<{ actor: Actor; selection?: ToolSelection } | { problem?: string }>;
  /**
   * What a 401 tells the caller, as /mcp does: its text and its WWW-Authenticate challenge;
   * `tokenProblem` is why an OAuth token was refused.
   */
  unauthorized(req: IncomingMessage, tokenProblem?: string): { detail: string; challenge: string };
  /** The server's toolsets and read-only flag. */
  selection?: ToolSelection;
  /**
   * Where people reach the server, once known: records in answers then carry `url`, their
   * page, as MCP results do.
   */
  publicUrl?: () => string | undefined;
  log?: (message: string) => void;
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function bodyOf(raw: Buffer): Record<string, unknown> {
  const text = raw.toString("utf8").trim();
  if (text === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError("body", `is not valid JSON (${(error as Error).message}); send a JSON object`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidationError("body", "must be a JSON object");
  }
  return value as Record<string, unknown>;
}

function sendAnswer(res: ServerResponse, answer: Answer, headers: Record<string, string> = {}): void {
  res.writeHead(answer.status, {
    "content-type": answer.type,
    "content-length": Buffer.byteLength(answer.body),
    ...headers,
  });
  res.end(answer.body);
}

/** The route's answer to one request, errors included as problems. */
async function answer(
  app: App,
  route: Route,
  actor: Actor,
  input: RouteInput,
  options: ApiOptions,
): Promise<Answer> {
  const { log } = options;
  try {
    const args = route.args?.(input) ?? { ...input.body, ...input.query, ...input.path, ...route.fixed };
    const publicUrl = options.publicUrl?.();
    const recordUrl = publicUrl ? (id: string) => `${publicUrl}${recordPath(id)}` : undefined;
    const result = await callTool(route.tool, args, { app, actor, recordUrl }, log);
    const body = route.answer ? route.answer(result, input) : result;
    return { status: route.status ?? 200, body: JSON.stringify(body), type: "application/json" };
  } catch (error) {
    const known = problemOf(error);
    if (!known) log?.(`api: ${route.method} ${route.path}: ${(error as Error)?.stack ?? error}`);
    const p = known ?? problem(500, "Internal error");
    return { status: p.status, body: JSON.stringify(p), type: "application/problem+json" };
  }
}

/**
 * Reads what the route takes from a request: path parameters, query and JSON body, each
 * checked by the route's schema so that errors name the parameter, and none of them allowed
 * to set what the path already says.
 */
function inputOf(route: Route, params: Record<string, string>, url: URL, raw: Buffer): RouteInput {
  const path = route.params ? (parse(route.params, params) as Record<string, string>) : params;
  const query = queryOf(route.query, url.searchParams);
  if (route.query) parse(route.query, query);
  else {
    const [name] = Object.keys(query);
    if (name !== undefined)
      throw new ValidationError(name, "is not a query parameter of this route; leave it out");
  }
  const body = bodyOf(raw);
  if (!route.body && Object.keys(body).length > 0) {
    throw new ValidationError("body", "this route takes no body; send none or {}");
  }
  const taken = new Set([...Object.keys(path), ...Object.keys(route.fixed ?? {}), ...Object.keys(query)]);
  for (const key of Object.keys(body)) {
    if (taken.has(key))
      throw new ValidationError(key, "is given by the path or the query; leave it out of the body");
  }
  return { path, query, body };
}

/**
 * The REST API under /api/v1: each route runs one MCP tool, so schemas, validation, error
 * texts, scopes and services are those of MCP. Answers true when the request was its own.
 */
export function apiHandler(
  app: App,
  options: ApiOptions,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  const idempotency = new Idempotency(app.store, { logger: app.logger, base: API_BASE });
  let document: string | undefined;
  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const sub = url.pathname.slice(API_BASE.length) || "/";
    const method = req.method ?? "GET";
    if (sub === "/openapi.json" && method === "GET") {
      document ??= JSON.stringify(openApiDocument());
      sendAnswer(res, { status: 200, body: document, type: "application/json" });
      return;
    }
    const caller = await options.authenticate(req);
    if (!("actor" in caller)) {
      const { detail, challenge } = options.unauthorized(req, caller.problem);
      sendProblem(res, problem(401, detail), { "www-authenticate": challenge });
      return;
    }
    const found = match(method, sub);
    if (!found) {
      sendProblem(res, problem(404, `No route ${method} ${API_BASE}${sub}; see ${API_BASE}/openapi.json`));
      return;
    }
    if ("allowed" in found) {
      sendProblem(res, problem(405, `${API_BASE}${sub} takes ${found.allowed.join(", ")}, not ${method}`), {
        allow: found.allowed.join(", "),
      });
      return;
    }
    const { route, params } = found;
    const { actor } = caller;
    const refusal = refusalOf(route.tool, scopeOf(caller, options.selection));
    if (refusal) {
      sendProblem(res, problem(403, refusal));
      return;
    }
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      sendProblem(res, problem(413, `body: larger than ${MAX_BODY_BYTES} bytes; send fewer records at once`));
      return;
    }
    let input: RouteInput;
    try {
      input = inputOf(route, params, url, raw);
    } catch (error) {
      const p = problemOf(error);
      if (!p) throw error;
      sendProblem(res, p);
      return;
    }
    const key = method === "POST" ? req.headers["idempotency-key"] : undefined;
    if (typeof key !== "string") {
      sendAnswer(res, await answer(app, route, actor, input, options));
      return;
    }
    const bad = checkKey(key);
    if (bad) {
      sendProblem(res, bad);
      return;
    }
    const outcome = await idempotency.begin(actor, key, method, `${sub}${url.search}`, raw);
    if (outcome.kind === "refused") {
      sendProblem(
        res,
        outcome.problem,
        outcome.retryAfter === undefined ? {} : { "retry-after": String(outcome.retryAfter) },
      );
    } else if (outcome.kind === "replay") sendAnswer(res, outcome.answer, { "idempotent-replayed": "true" });
    else {
      let result: Answer;
      try {
        result = await answer(app, route, actor, input, options);
      } catch (error) {
        await outcome.abandon();
        throw error;
      }
      await outcome.finish(result);
      sendAnswer(res, result);
    }
    return;
  };
  return async (req, res, url) => {
    const { pathname } = url;
    if (pathname !== API_BASE && !pathname.startsWith(`${API_BASE}/`)) return false;
    try {
      await handle(req, res, url);
    } catch (error) {
      // Every answer of the API is problem+json, an unexpected failure too: the store being
      // unavailable is 503 as on /mcp, anything else 500 without its details.
      const p = problemOf(error);
      if (!p || p.status >= 500) options.log?.(`api: ${(error as Error).stack ?? error}`);
      if (res.headersSent) res.end();
      else sendProblem(res, p ?? problem(500, "Internal error; the server log has the details"));
    }
    return true;
  };
}
