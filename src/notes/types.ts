import type { JSONContent } from "@tiptap/core";

/** A note as the editor stores it: Tiptap JSON whose top node is `doc`. */
export type TiptapDoc = JSONContent & { type: "doc"; content?: JSONContent[] };
