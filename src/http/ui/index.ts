import type { IncomingMessage, ServerResponse } from "node:http";
import type { App } from "../../app.js";

/** The web UI's routes; answers true when it handled the request. */
export function uiHandler(_app: App) {
  return async (_req: IncomingMessage, _res: ServerResponse, _url: URL): Promise<boolean> => false;
}
