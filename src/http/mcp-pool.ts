import type { McpServer } from "@modelcontextprotocol/server";
import type { Actor } from "../events/recorder.js";
import type { ToolSelection } from "../mcp/registry.js";

/**
 * Idle MCP server instances for Streamable HTTP, kept by who they act for. Streamable HTTP
 * serves each request with a server of its own; building one (every tool registered, its
 * instructions written) cost more than the call it served. An instance is bound to one
 * actor at build time, so it is only ever handed to a request whose key resolved to that
 * same actor, selection, public address and protocol era; the key is checked on every
 * request before the pool is asked, so a revoked key is refused at once.
 *
 * The instances wait in an IdlePool: one is taken for a request and given back to its key
 * when it is closed, by the SDK or by its transport, so the bounds and the least recently
 * used order are that pool's.
 */
export class McpServerPool {
  private readonly idle: IdlePool<McpServer>;
  /**
   * Instances handed out and not yet closed: each lending is an object of its own, with the
   * key the instance goes back to. The SDK connects an instance a few awaits after asking
   * for it, and closing one may be told twice (its transport's onclose, then the end of its
   * close): only the lending still current is given back, once, so a late report never
   * frees an instance another request has taken since. (A handler's close that came after
   * its transport had closed by itself, and another request took the instance, would close
   * that request's transport; the SDK handler's transport closes by itself only on DELETE,
   * which the handler refuses.)
   */
  private readonly out = new WeakMap<McpServer, { key: string }>();

  /**
   * An instance holds about 70 KB (its tools' registrations): at most 512 are kept idle, some
   * 36 MB, for the 128 actors seen last, four a key.
   */
  constructor(limits: { keys: number; perKey: number } = { keys: 128, perKey: 4 }) {
    this.idle = new IdlePool<McpServer>(limits);
  }

  /** An idle instance for this key, or a new one from `build`; it comes back when closed. */
  take(key: string, build: () => McpServer): McpServer {
    const server = this.idle.take(key) ?? this.hook(build());
    // A lending of its own: a close told late for an earlier lending gives nothing back.
    this.out.set(server, { key });
    return server;
  }

  /** Gives the instance back to its key when it is closed, by the SDK or by its transport. */
  private hook(server: McpServer): McpServer {
    const release = (lending: { key: string } | undefined) => {
      // Only a closed instance goes back: the next request connects a transport of its own to it.
      if (lending === undefined || this.out.get(server) !== lending || server.isConnected()) return;
      this.out.delete(server);
      this.idle.give(lending.key, server);
    };
    const close = server.close.bind(server);
    server.close = async () => {
      const lending = this.out.get(server);
      try {
        await close();
      } finally {
        release(lending);
      }
    };
    const onclose = server.server.onclose;
    server.server.onclose = () => {
      release(this.out.get(server));
      onclose?.();
    };
    return server;
  }

  /** How many instances are kept idle, for tests and figures. */
  get size(): number {
    return this.idle.size;
  }

  /** Forgets the idle instances; those handed out are still given back when closed. */
  clear(): void {
    this.idle.clear();
  }
}

/**
 * Everything an instance is bound to, as one string: every field of the actor (a field
 * added to it later is part of the key without a change here), the tool selection, the
 * public address and the protocol era the SDK serves the request in.
 */
export function poolKey(
  era: string,
  actor: Actor,
  selection: ToolSelection | undefined,
  publicUrl: string | undefined,
): string {
  return JSON.stringify([era, sorted(actor), sorted(selection ?? {}), publicUrl ?? null]);
}

function sorted(value: object): [string, unknown][] {
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Idle items kept by key, for the 2025-era JSON exchange: an item is taken for one request
 * and given back when its answer is complete, so two requests never hold the same one. At
 * most `perKey` idle items a key and `keys` keys, the least recently used forgotten first;
 * an item given back beyond that is dropped.
 */
export class IdlePool<T> {
  private readonly entries = new Map<string, T[]>();

  constructor(private readonly limits: { keys: number; perKey: number } = { keys: 128, perKey: 4 }) {}

  /** An idle item of this key, or undefined: the caller builds one and gives it back later. */
  take(key: string): T | undefined {
    const idle = this.entries.get(key);
    if (!idle) return undefined;
    // The least recently used key is the first in the map: move this one to the end.
    this.entries.delete(key);
    this.entries.set(key, idle);
    return idle.pop();
  }

  give(key: string, item: T): void {
    let idle = this.entries.get(key);
    if (!idle) {
      idle = [];
      this.entries.set(key, idle);
      if (this.entries.size > this.limits.keys) this.entries.delete(this.entries.keys().next().value!);
    }
    if (idle.length < this.limits.perKey) idle.push(item);
  }

  /** How many idle items are kept, for tests and figures. */
  get size(): number {
    let n = 0;
    for (const idle of this.entries.values()) n += idle.length;
    return n;
  }

  clear(): void {
    this.entries.clear();
  }
}
