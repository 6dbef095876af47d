import type { Mark, Node as PMNode } from "@tiptap/pm/model";
import { notesSchema, type TiptapDoc } from "../../src/notes/index.js";

const schema = notesSchema;

type MarkSpec = string | Mark;

/** A text node with marks given by name (or as built marks). */
export function t(text: string, ...marks: MarkSpec[]): PMNode {
  return schema.text(
    text,
    marks.map((mark) => (typeof mark === "string" ? schema.mark(mark) : mark)),
  );
}

export function link(href: string, title: string | null = null): Mark {
  return schema.mark("link", { href, title });
}

export function n(type: string, attrs: Record<string, unknown> | null, ...content: PMNode[]): PMNode {
  return schema.node(type, attrs, content);
}

export const p = (...content: PMNode[]): PMNode => n("paragraph", null, ...content);
export const h = (level: number, ...content: PMNode[]): PMNode => n("heading", { level }, ...content);
export const li = (...content: PMNode[]): PMNode => n("listItem", null, ...content);
export const ul = (...items: PMNode[]): PMNode => n("bulletList", null, ...items);
export const ol = (start: number, ...items: PMNode[]): PMNode => n("orderedList", { start }, ...items);
export const task = (checked: boolean, ...content: PMNode[]): PMNode =>
  n("taskItem", { checked }, ...content);
export const tasks = (...items: PMNode[]): PMNode => n("taskList", null, ...items);
export const quote = (...content: PMNode[]): PMNode => n("blockquote", null, ...content);
export const br = (): PMNode => n("hardBreak", null);
export const hr = (): PMNode => n("horizontalRule", null);
export const code = (language: string | null, text: string): PMNode =>
  n("codeBlock", { language }, ...(text ? [schema.text(text)] : []));

/** An editor document built with the editor's schema, checked, as the JSON the editor stores. */
export function doc(...content: PMNode[]): TiptapDoc {
  const node = schema.node("doc", null, content);
  node.check();
  return node.toJSON() as TiptapDoc;
}

/** Throws unless the JSON is a document the editor schema accepts. */
export function assertValid(json: unknown): void {
  schema.nodeFromJSON(json).check();
}

/** Concatenated text per text block (paragraph, heading, code block), hard breaks as "\n". */
export function blockTexts(json: unknown): string[] {
  const out: string[] = [];
  const walk = (node: { type?: string; text?: string; content?: unknown[] }): void => {
    if (node.type === "paragraph" || node.type === "heading" || node.type === "codeBlock") {
      let text = "";
      for (const child of (node.content ?? []) as { type?: string; text?: string }[]) {
        text += child.type === "hardBreak" ? "\n" : (child.text ?? "");
      }
      out.push(text);
      return;
    }
    for (const child of (node.content ?? []) as (typeof node)[]) walk(child);
  };
  walk(json as Parameters<typeof walk>[0]);
  return out;
}
