/**
 * Turns untrusted Tiptap JSON into a ProseMirror document of the notes schema.
 *
 * Nothing here throws on odd input and no text is dropped:
 * - a node type the schema does not know is replaced by its children (and its
 *   `text`, if it has one);
 * - a mark type the schema does not know is dropped, its text kept;
 * - attributes are coerced to what the schema expects, falling back to defaults;
 * - content in the wrong place is wrapped, lifted or merged until it fits the
 *   schema's content expressions;
 * - nesting deeper than MAX_DEPTH is flattened to plain text.
 */
import {
  type Attrs,
  Fragment,
  Mark,
  type MarkType,
  type NodeType,
  type Node as PMNode,
} from "@tiptap/pm/model";
import { NOTES_MAX_TABLE_SPAN as MAX_SPAN } from "./limits.js";
import { M, N, notesSchema } from "./schema.js";

type JsonObject = Record<string, unknown>;

const MAX_DEPTH = 48;
const MAX_ORDERED_START = 999_999_999;

const nodeTypes = new Map<string, NodeType>(Object.entries(notesSchema.nodes));
const markTypes = new Map<string, MarkType>(Object.entries(notesSchema.marks));

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------
// Attributes

type AttrFix = (value: unknown, fallback: unknown) => unknown;

function toInt(value: unknown, fallback: unknown, min: number, max: number): unknown {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(n)));
}

function toStringOrNull(value: unknown, fallback: unknown): unknown {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (value === null) return null;
  return fallback;
}

function toPrimitive(value: unknown, fallback: unknown): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : fallback;
  return fallback;
}

const attrFixes: Record<string, AttrFix> = {
  "heading.level": (v, d) => toInt(v, d, 1, 6),
  "orderedList.start": (v, d) => toInt(v, d, 0, MAX_ORDERED_START),
  "orderedList.type": toStringOrNull,
  "taskItem.checked": (v) => v === true || v === "true",
  "codeBlock.language": toStringOrNull,
  "image.src": toStringOrNull,
  "image.alt": toStringOrNull,
  "image.title": toStringOrNull,
  "mention.id": toStringOrNull,
  "mention.label": toStringOrNull,
  "mention.mentionSuggestionChar": (v, d) => (typeof v === "string" ? v : d),
  "link.href": toStringOrNull,
  "link.target": toStringOrNull,
  "link.rel": toStringOrNull,
  "link.class": toStringOrNull,
  "link.title": toStringOrNull,
};
for (const cell of ["tableCell", "tableHeader"]) {
  attrFixes[`${cell}.colspan`] = (v, d) => toInt(v, d, 1, MAX_SPAN);
  attrFixes[`${cell}.rowspan`] = (v, d) => toInt(v, d, 1, MAX_SPAN);
  attrFixes[`${cell}.align`] = (v) => (v === "left" || v === "center" || v === "right" ? v : null);
  attrFixes[`${cell}.colwidth`] = (v) =>
    Array.isArray(v) && v.every((w) => typeof w === "number" && Number.isFinite(w)) ? v : null;
}

type AttrPlan = { key: string; fallback: unknown; fix: AttrFix }[];
const attrPlans = new Map<NodeType | MarkType, AttrPlan | null>();

function attrPlan(type: NodeType | MarkType): AttrPlan | null {
  let plan = attrPlans.get(type);
  if (plan === undefined) {
    const specs = type.spec.attrs ?? {};
    const keys = Object.keys(specs);
    plan =
      keys.length === 0
        ? null
        : keys.map((key) => ({
            key,
            fallback: specs[key]?.default ?? null,
            fix: attrFixes[`${type.name}.${key}`] ?? toPrimitive,
          }));
    attrPlans.set(type, plan);
  }
  return plan;
}

function coerceAttrs(type: NodeType | MarkType, given: unknown): Attrs | null {
  const plan = attrPlan(type);
  if (!plan) return null;
  const source = isObject(given) ? given : undefined;
  const attrs: Record<string, unknown> = {};
  for (const { key, fallback, fix } of plan) {
    const value = source ? source[key] : undefined;
    attrs[key] = value === undefined ? fallback : fix(value, fallback);
  }
  return attrs;
}

// ---------------------------------------------------------------------------
// Marks

const plainMarks = new Map<MarkType, Mark>();

function createMark(type: MarkType, attrs: unknown): Mark | null {
  if (type === M.link) {
    const fixed = coerceAttrs(type, attrs);
    const href = fixed?.href;
    if (typeof href !== "string" || href.trim() === "") return null;
    return type.create(fixed);
  }
  if (!attrPlan(type)) {
    let mark = plainMarks.get(type);
    if (!mark) {
      mark = type.create();
      plainMarks.set(type, mark);
    }
    return mark;
  }
  return type.create(coerceAttrs(type, attrs));
}

/** Known marks only, combined by the schema's rules (code excludes the others). */
function convertMarks(json: unknown): readonly Mark[] {
  if (!Array.isArray(json) || json.length === 0) return Mark.none;
  let set: readonly Mark[] = Mark.none;
  for (const item of json) {
    if (!isObject(item) || typeof item.type !== "string") continue;
    const type = markTypes.get(item.type);
    if (!type) continue;
    const mark = createMark(type, item.attrs);
    if (mark) set = mark.addToSet(set);
  }
  return set;
}

// ---------------------------------------------------------------------------
// Text helpers

const LINE_BREAK = /\r\n?|\n/;

/** Pushes text, turning line breaks into hardBreak nodes (the editor never stores "\n" in text). */
function pushText(text: string, marks: readonly Mark[], out: PMNode[]): void {
  if (text.indexOf("\n") < 0 && text.indexOf("\r") < 0) {
    if (text) out.push(notesSchema.text(text, marks));
    return;
  }
  const lines = text.split(LINE_BREAK);
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) out.push(N.hardBreak.create(null, null, marks));
    const line = lines[i];
    if (line) out.push(notesSchema.text(line, marks));
  }
}

/** Plain text of a node: text as is, hard breaks as "\n", blocks separated by "\n". */
export function plainText(node: PMNode): string {
  if (node.isText) return node.text ?? "";
  if (node.type === N.hardBreak) return "\n";
  if (node.type === N.mention) return mentionText(node);
  if (node.type === N.image) return typeof node.attrs.alt === "string" ? node.attrs.alt : "";
  let text = "";
  node.forEach((child, _offset, index) => {
    if (index > 0 && child.isBlock) text += "\n";
    text += plainText(child);
  });
  return text;
}

/** What a mention reads as: `@label`, else `@id`, else "". */
export function mentionText(node: PMNode): string {
  const { label, id } = node.attrs;
  const name = typeof label === "string" && label ? label : typeof id === "string" && id ? id : "";
  return name ? `@${name}` : "";
}

/** Every string under `text` keys of a JSON subtree, without recursion. */
function collectText(json: unknown): string {
  const parts: string[] = [];
  const stack: unknown[] = [json];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!isObject(item)) continue;
    if (typeof item.text === "string" && item.text) parts.push(item.text);
    const content = item.content;
    if (Array.isArray(content)) for (let i = content.length - 1; i >= 0; i--) stack.push(content[i]);
  }
  return parts.join(" ");
}

// ---------------------------------------------------------------------------
// Conversion

function convertList(content: unknown, depth: number, out: PMNode[]): void {
  if (!Array.isArray(content)) return;
  for (const item of content) convertNode(item, depth, out);
}

function convertNode(json: unknown, depth: number, out: PMNode[]): void {
  if (typeof json === "string") {
    pushText(json, Mark.none, out);
    return;
  }
  if (!isObject(json)) return;
  if (depth > MAX_DEPTH) {
    const text = collectText(json);
    if (text) pushText(text, Mark.none, out);
    return;
  }
  const name = json.type;
  if (name === "text") {
    const text = json.text;
    if (typeof text === "string") pushText(text, convertMarks(json.marks), out);
    else if (typeof text === "number") pushText(String(text), convertMarks(json.marks), out);
    return;
  }
  const type = typeof name === "string" ? nodeTypes.get(name) : undefined;
  if (!type || type === N.doc) {
    if (typeof json.text === "string") pushText(json.text, convertMarks(json.marks), out);
    convertList(json.content, depth + 1, out);
    return;
  }
  const attrs = coerceAttrs(type, json.attrs);
  if (type.isLeaf) {
    out.push(type.create(attrs, null, type.isInline ? convertMarks(json.marks) : Mark.none));
    convertList(json.content, depth + 1, out);
    return;
  }
  const kids: PMNode[] = [];
  convertList(json.content, depth + 1, kids);
  if (type === N.codeBlock) {
    let text = "";
    for (const kid of kids) text += plainText(kid);
    out.push(N.codeBlock.create(attrs, text ? notesSchema.text(text) : null));
  } else if (type.isTextblock) {
    fitTextblock(type, attrs, kids, out);
  } else {
    out.push(fitContainer(type, attrs, kids));
  }
}

/** A paragraph or heading: inline children stay, textblocks merge in, other blocks split it. */
function fitTextblock(type: NodeType, attrs: Attrs | null, kids: PMNode[], out: PMNode[]): void {
  const start = out.length;
  let run: PMNode[] = [];
  for (const kid of kids) {
    if (kid.isInline) {
      run.push(kid);
    } else if (kid.isTextblock) {
      if (run.length > 0 && kid.childCount > 0) run.push(N.hardBreak.create());
      kid.forEach((child) => {
        run.push(child);
      });
    } else {
      if (run.length > 0) out.push(type.create(attrs, run));
      run = [];
      out.push(kid);
    }
  }
  if (run.length > 0 || out.length === start) out.push(type.create(attrs, run));
}

/** Text a leaf block carries, as a paragraph, for leaves that fit nowhere. */
function leafAsParagraph(node: PMNode): PMNode | null {
  const text = plainText(node);
  return text ? N.paragraph.create(null, notesSchema.text(text)) : null;
}

/** A node with block content: every child is placed, wrapped, lifted or (leaf without text) left out. */
function fitContainer(type: NodeType, attrs: Attrs | null, kids: readonly PMNode[]): PMNode {
  const out: PMNode[] = [];
  let match = type.contentMatch;
  let queue = kids;
  let i = 0;
  while (i < queue.length) {
    let kid = queue[i++]!;
    if (kid.isInline) {
      const from = i - 1;
      while (i < queue.length && queue[i]!.isInline) i++;
      kid = N.paragraph.create(null, queue.slice(from, i));
    }
    const direct = match.matchType(kid.type);
    if (direct) {
      out.push(kid);
      match = direct;
      continue;
    }
    const fill = match.fillBefore(Fragment.from(kid));
    if (fill) {
      const after = match.matchFragment(fill)?.matchType(kid.type);
      if (after) {
        fill.forEach((node) => {
          out.push(node);
        });
        out.push(kid);
        match = after;
        continue;
      }
    }
    const wrap = match.findWrapping(kid.type);
    const outer = wrap?.[0];
    if (wrap && outer) {
      const group: PMNode[] = [kid];
      while (i < queue.length) {
        const next = queue[i]!;
        const nextType = next.isInline ? N.paragraph : next.type;
        if (match.matchType(nextType) || match.findWrapping(nextType)?.[0] !== outer) break;
        group.push(next);
        i++;
      }
      let node = fitContainer(wrap[wrap.length - 1]!, null, group);
      for (let w = wrap.length - 2; w >= 0; w--) node = fitContainer(wrap[w]!, null, [node]);
      out.push(node);
      match = match.matchType(outer) ?? match;
      continue;
    }
    if (kid.isTextblock) {
      if (kid.type !== N.paragraph) {
        queue = [N.paragraph.create(null, kid.content), ...queue.slice(i)];
        i = 0;
      }
      continue;
    }
    if (!kid.isLeaf) {
      const children: PMNode[] = [];
      kid.forEach((child) => {
        children.push(child);
      });
      queue = [...children, ...queue.slice(i)];
      i = 0;
      continue;
    }
    const asText = leafAsParagraph(kid);
    if (asText) {
      queue = [asText, ...queue.slice(i)];
      i = 0;
    }
  }
  const end = match.fillBefore(Fragment.empty, true);
  if (end) {
    end.forEach((node) => {
      out.push(node);
    });
  }
  return type.create(attrs, out);
}

/**
 * Builds a schema-valid document from untrusted JSON. Accepts a `doc`, any other
 * node object (wrapped in a doc) or an array of nodes.
 */
export function buildDoc(input: unknown): PMNode {
  const kids: PMNode[] = [];
  if (Array.isArray(input)) convertList(input, 1, kids);
  else if (isObject(input) && input.type === "doc") convertList(input.content, 1, kids);
  else convertNode(input, 1, kids);
  return fitContainer(N.doc, null, kids);
}

/** True for a document with nothing in it (no blocks, or one empty paragraph). */
export function isEmptyDoc(doc: PMNode): boolean {
  if (doc.childCount === 0) return true;
  if (doc.childCount > 1) return false;
  const only = doc.child(0);
  return only.type === N.paragraph && only.childCount === 0;
}
