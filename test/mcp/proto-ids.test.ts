import { InMemoryTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMcpServer } from "../../src/mcp/server.js";
import { openTestApp, type TestApp } from "../support/app.js";

/**
 * A top-level `__proto__` is noted per request id before the SDK drops it. A note must end
 * with its request, even one for a tool that does not exist, or a later request that reuses
 * the id would be refused for it.
 */

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
});
afterAll(async () => {
  await t?.close();
});

describe("__proto__ notes and request ids", () => {
  it("a note for an unknown tool does not refuse the next request with its id", async () => {
    const [client, server] = InMemoryTransport.createLinkedPair();
    await buildMcpServer(t.app, t.owner).connect(server);
    const answers = new Map<unknown, { result?: { isError?: boolean; content?: { text: string }[] } }>();
    let arrived: () => void = () => {};
    client.onmessage = (message) => {
      const m = message as { id?: unknown };
      answers.set(m.id, message as never);
      arrived();
    };
    await client.start();
    const ask = async (id: number, method: string, params: unknown) => {
      const answered = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      await client.send({ jsonrpc: "2.0", id, method, params } as never);
      await answered;
      return answers.get(id);
    };
    await ask(1, "initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "raw", version: "1" },
    });
    await client.send({ jsonrpc: "2.0", method: "notifications/initialized" } as never);
    const args = JSON.parse('{"entity":"contact","__proto__":1}');
    await ask(2, "tools/call", { name: "no_such_tool", arguments: args });
    const again = await ask(2, "tools/call", { name: "count_entity", arguments: { entity: "contact" } });
    expect(again?.result?.isError ?? false).toBe(false);
    const refused = await ask(3, "tools/call", { name: "count_entity", arguments: args });
    expect(refused?.result).toMatchObject({
      isError: true,
      content: [{ text: 'unknown field "__proto__"; remove it' }],
    });
    await client.close();
  });
});
