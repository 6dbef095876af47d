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
 */
export class McpServerPool {
  private readonly entries = new Map<string, McpServer[]>();
  /**
   * Instances handed out and not yet closed. The SDK connects an instance a few awaits after
   * asking for it, so "not connected" alone would let two requests in flight take the same one.
   */
  private readonly taken = new WeakSet<McpServer>();

  /**
   * An instance holds about 70 KB (its tools' registrations): at most 512 are kept, some 36 MB,
   * for the 128 actors seen last, four requests at once each.
   */
  constructor(private readonly limits: { keys: number; perKey: number } = { keys: 128, perKey: 4 }) {}

  /**
   * An instance for this key that no other request holds, or a new one from `build`. A new
   * one is kept for later unless the key already holds `perKey` of them.
   */
  take(key: string, build: () => McpServer): McpServer {
    let servers = this.entries.get(key);
    if (servers) {
      // The least recently used key is the first in the map: move this one to the end.
      this.entries.delete(key);
      this.entries.set(key, servers);
      const idle = servers.find((s) => !this.taken.has(s) && !s.isConnected());
      if (idle) {
        this.taken.add(idle);
        return idle;
      }
      if (servers.length >= this.limits.perKey) return build();
    } else {
      servers = [];
      this.entries.set(key, servers);
      if (this.entries.size > this.limits.keys) this.entries.delete(this.entries.keys().next().value!);
    }
    const made = this.keep(build());
    servers.push(made);
    return made;
  }

  /** Marks a kept instance as held until it is closed, by the SDK or by its transport. */
  private keep(server: McpServer): McpServer {
    this.taken.add(server);
    const release = () => this.taken.delete(server);
    const close = server.close.bind(server);
    server.close = async () => {
      try {
        await close();
      } finally {
        release();
      }
    };
    const onclose = server.server.onclose;
    server.server.onclose = () => {
      release();
      onclose?.();
    };
    return server;
  }

  /** How many instances are kept, for tests and figures. */
  get size(): number {
    let n = 0;
    for (const servers of this.entries.values()) n += servers.length;
    return n;
  }

  clear(): void {
    this.entries.clear();
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
