/**
 * The notes module loads the editor schema and the markdown parser, which costs more at
 * start-up than everything else together; a process loads it on first use instead.
 */
let loading: Promise<typeof import("./index.js")> | null = null;

export function notes(): Promise<typeof import("./index.js")> {
  loading ??= import("./index.js");
  return loading;
}
