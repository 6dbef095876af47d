import type { LookupAddress, LookupOptions } from "node:dns";
import { rootCertificates } from "node:tls";
import { Agent, request } from "undici";
import { resolveForSend } from "../../webhooks/url-policy.js";

/** A client's metadata document is a few hundred bytes; more is refused before parsing. */
export const METADATA_MAX_BYTES = 5 * 1024;
const METADATA_TIMEOUT_MS = 2500;

export interface MetadataFetchOptions {
  /** `CRM_WEBHOOK_ALLOW_PRIVATE`: lifts the public-address rule, never the https one. */
  allowPrivate: boolean;
  /** An extra trusted CA (PEM), as for webhook receivers. */
  ca?: string;
}

/**
 * GET of a Client ID Metadata Document under the webhook URL policy: https only, every
 * address of the host public, the connection pinned to the vetted address (no DNS
 * rebinding), redirects answered as they are (never followed), the body capped.
 */
export function metadataFetch(options: MetadataFetchOptions) {
  return async (url: URL | string, init: { signal?: AbortSignal } = {}): Promise<Response> => {
    const href = String(url);
    const target = await resolveForSend(href, { allowPrivate: options.allowPrivate });
    if (!target.ok) throw new Error(`client metadata URL refused: ${target.reason}`);
    const { address, family } = target;
    const agent = new Agent({
      connect: {
        lookup: (
          _host: string,
          opts: LookupOptions,
          cb: (e: NodeJS.ErrnoException | null, a: string | LookupAddress[], f?: number) => void,
        ) => (opts?.all ? cb(null, [{ address, family }]) : cb(null, address, family)),
        ...(options.ca ? { ca: [...rootCertificates, options.ca] } : {}),
      },
    });
    try {
      const signal = init.signal ?? AbortSignal.timeout(METADATA_TIMEOUT_MS);
      const res = await request(target.url, {
        method: "GET",
        headers: { accept: "application/json" },
        signal,
        dispatcher: agent,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > METADATA_MAX_BYTES) {
          res.body.destroy();
          throw new Error(`client metadata document is larger than ${METADATA_MAX_BYTES} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) {
        if (typeof v === "string") headers.set(k, v);
      }
      const status = res.statusCode;
      // A redirect is passed on as it is: the provider refuses anything but 200.
      return new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), {
        status,
        headers,
      });
    } finally {
      agent.close().catch(() => undefined);
    }
  };
}
