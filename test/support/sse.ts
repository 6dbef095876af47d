import { expect } from "vitest";

/**
 * Opens GET /sse on `baseUrl` with `apiKey` and reads the endpoint event: the session's
 * /messages path. The stream is read on in the background (`events`) until `close`.
 */
export async function openSseSession(
  baseUrl: string,
  apiKey: string,
): Promise<{ endpoint: string; events: () => string; close(): void }> {
  const abort = new AbortController();
  const r = await fetch(`${baseUrl}/sse`, {
    headers: { authorization: `Bearer ${apiKey}`, accept: "text/event-stream" },
    signal: abort.signal,
  });
  expect(r.status).toBe(200);
  const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let endpoint: string | undefined;
  while (endpoint === undefined) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before its endpoint event: ${text}`);
    text += value;
    endpoint = /event: endpoint\r?\ndata: (\S+)/.exec(text)?.[1];
  }
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      text += value;
    }
  })();
  return { endpoint, events: () => text, close: () => abort.abort() };
}
