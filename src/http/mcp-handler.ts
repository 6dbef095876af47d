import {
  type CreateMcpHandlerOptions,
  createMcpHandler,
  isLegacyRequest,
  type McpHandlerRequestOptions,
  type McpServerFactory,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";

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
