/**
 * The note editor's extension list and the ProseMirror schema derived from it.
 *
 * Notes are stored in the shape this schema defines (Tiptap JSON). The schema
 * is built once, headless: `getSchema` needs no editor view and no DOM.
 */
import { type Extensions, getSchema } from "@tiptap/core";
import { Image } from "@tiptap/extension-image";
import { TaskItem, TaskList } from "@tiptap/extension-list";
import { Mention } from "@tiptap/extension-mention";
import { TableKit } from "@tiptap/extension-table";
import type { MarkType, NodeType, Schema } from "@tiptap/pm/model";
import { StarterKit } from "@tiptap/starter-kit";

/**
 * StarterKit 3 already carries Link and Underline. Task items may hold nested
 * lists; images are block nodes (Tiptap's default).
 */
export const notesExtensions: Extensions = [
  StarterKit.configure({ link: { openOnClick: false } }),
  TaskList,
  TaskItem.configure({ nested: true }),
  TableKit,
  Mention,
  Image,
];

export const notesSchema: Schema = getSchema(notesExtensions);

function nodeType(name: string): NodeType {
  const type = notesSchema.nodes[name];
  if (!type) throw new Error(`notes schema has no node type "${name}"`);
  return type;
}

function markType(name: string): MarkType {
  const type = notesSchema.marks[name];
  if (!type) throw new Error(`notes schema has no mark type "${name}"`);
  return type;
}

/** Node types the markdown code refers to by identity. */
export const N = {
  doc: nodeType("doc"),
  paragraph: nodeType("paragraph"),
  text: nodeType("text"),
  heading: nodeType("heading"),
  blockquote: nodeType("blockquote"),
  bulletList: nodeType("bulletList"),
  orderedList: nodeType("orderedList"),
  listItem: nodeType("listItem"),
  taskList: nodeType("taskList"),
  taskItem: nodeType("taskItem"),
  codeBlock: nodeType("codeBlock"),
  hardBreak: nodeType("hardBreak"),
  horizontalRule: nodeType("horizontalRule"),
  image: nodeType("image"),
  mention: nodeType("mention"),
  table: nodeType("table"),
  tableRow: nodeType("tableRow"),
  tableCell: nodeType("tableCell"),
  tableHeader: nodeType("tableHeader"),
} as const;

/** Mark types the markdown code refers to by identity. */
export const M = {
  bold: markType("bold"),
  italic: markType("italic"),
  strike: markType("strike"),
  code: markType("code"),
  link: markType("link"),
  underline: markType("underline"),
} as const;
