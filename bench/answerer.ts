/**
 * The least an MCP server can do: answer `initialize` and every other request with an empty
 * result, over stdio (`answerer.js stdio`) or over plain Node HTTP (`answerer.js http`, which
 * prints its port). The transports bench pings it to find what a round trip costs the SDK's
 * client on each transport when the server does no work at all.
 */
import { createServer } from "node:http";

interface Message {
  id?: string | number;
  method?: string;
  params?: { protocolVersion?: string };
}

function answer(m: Message): string {
  const result =
    m.method === "initialize"
      ? {
          protocolVersion: m.params?.protocolVersion,
          capabilities: { tools: {} },
          serverInfo: { name: "answerer", version: "1" },
        }
      : {};
  return JSON.stringify({ jsonrpc: "2.0", id: m.id, result });
}

if (process.argv[2] === "stdio") {
  let pending = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => {
    pending += chunk;
    for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
      const m = JSON.parse(pending.slice(0, end)) as Message;
      pending = pending.slice(end + 1);
      if (m.id !== undefined) process.stdout.write(`${answer(m)}\n`);
    }
  });
} else {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST") {
        res.writeHead(405).end();
        return;
      }
      const m = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Message;
      if (m.id === undefined) {
        res.writeHead(202).end();
        return;
      }
      const text = answer(m);
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    });
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    process.stdout.write(`PORT ${typeof address === "object" && address ? address.port : 0}\n`);
  });
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}
