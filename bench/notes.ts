/**
 * Throughput of the notes conversions on a realistic ~1 KiB note: Tiptap JSON
 * to markdown and markdown to Tiptap JSON, in notes per second.
 */
import { MarkdownManager } from "@tiptap/markdown";
import {
  markdownToNotes,
  normalizeNotes,
  notesExtensions,
  notesToMarkdown,
  storedNotesToMarkdown,
  type TiptapDoc,
} from "../src/notes/index.js";

function text(value: string, ...marks: string[]): Record<string, unknown> {
  return marks.length
    ? { type: "text", text: value, marks: marks.map((type) => ({ type })) }
    : { type: "text", text: value };
}

function paragraph(...content: Record<string, unknown>[]): Record<string, unknown> {
  return { type: "paragraph", content };
}

function listItem(...content: Record<string, unknown>[]): Record<string, unknown> {
  return { type: "listItem", content: [paragraph(...content)] };
}

/** A call summary as an account manager would write it: heading, marked-up paragraphs, a list, a link. */
export function sampleNote(): TiptapDoc {
  return {
    type: "doc",
    content: [
      { type: "heading", attrs: { level: 2 }, content: [text("Call with Acme Corp — renewal")] },
      paragraph(
        text("Spoke with "),
        text("Dana Whitfield", "bold"),
        text(" (VP Operations) about the "),
        text("Q3 renewal", "italic"),
        text(". They are happy with onboarding but flagged the "),
        text("export API", "code"),
        text(" latency as a blocker for the analytics team."),
      ),
      paragraph(
        text("Budget is approved for "),
        text("40 seats", "bold"),
        text("; procurement wants the revised quote by Friday. Legal asked for the "),
        {
          type: "text",
          text: "updated DPA",
          marks: [{ type: "link", attrs: { href: "https://example.com/legal/dpa-2024.pdf" } }],
        },
        text(" before signature."),
      ),
      {
        type: "bulletList",
        content: [
          listItem(text("Send revised quote (40 seats, annual billing)")),
          listItem(text("Loop in "), text("support engineering", "bold"), text(" on export latency")),
          listItem(text("Schedule a follow-up demo of the new dashboards")),
          listItem(text("Old pricing sheet", "strike"), text(" — no longer relevant")),
        ],
      },
      paragraph(
        text("Their current setup still runs nightly CSV exports into a shared drive, which is why the "),
        text("real-time sync", "bold"),
        text(" feature resonated. Dana wants a short written summary of the migration plan, with "),
        text("owners and dates", "italic"),
        text(", that she can forward to the board."),
      ),
      paragraph(
        text("Next step: "),
        text("follow-up call on the 14th", "underline"),
        text(" with Dana and their CFO to confirm terms."),
      ),
    ],
  };
}

/** More stored documents the peer is checked on: line breaks, a task list, nesting, code. */
export function goldenNotes(): TiptapDoc[] {
  const br = { type: "hardBreak" };
  return [
    sampleNote(),
    {
      type: "doc",
      content: [paragraph(text("Acme GmbH"), br, text("Hauptstr. 1"), br, text("10115 Berlin"))],
    },
    {
      type: "doc",
      content: [
        { type: "heading", attrs: { level: 1 }, content: [text("Plan")] },
        {
          type: "orderedList",
          attrs: { start: 1 },
          content: [listItem(text("Scope")), listItem(text("Quote "), text("by Friday", "bold"))],
        },
        { type: "blockquote", content: [paragraph(text("They said: "), text("ship it", "italic"))] },
        { type: "codeBlock", attrs: { language: "sql" }, content: [text("select 1;")] },
        { type: "horizontalRule" },
        paragraph(text("Done.")),
      ],
    },
  ];
}

/** What a document means, whoever wrote it: each block's kind and its text, line breaks included. */
function meaning(json: unknown): string[] {
  const out: string[] = [];
  const walk = (node: { type?: string; text?: string; content?: unknown[] }): void => {
    if (node.type === "paragraph" || node.type === "heading" || node.type === "codeBlock") {
      let line = "";
      for (const child of (node.content ?? []) as { type?: string; text?: string }[])
        line += child.type === "hardBreak" ? "\n" : (child.text ?? "");
      out.push(`${node.type}:${line.trim()}`);
      return;
    }
    if (node.type && node.type !== "doc") out.push(node.type);
    for (const child of (node.content ?? []) as (typeof node)[]) walk(child);
  };
  walk(json as Parameters<typeof walk>[0]);
  return out;
}

/**
 * Our conversions and @tiptap/markdown's agree in meaning on every golden document: each
 * one's markdown reads back, by its own library, to the document's blocks (Tiptap writes
 * underline as <u>, which only it reads), and both parsers make the same blocks of the same
 * markdown.
 */
function checkPeerAgrees(peer: MarkdownManager): void {
  for (const raw of goldenNotes()) {
    const doc = normalizeNotes(raw)!;
    const ours = storedNotesToMarkdown(doc);
    const theirs = peer.serialize(doc);
    const want = JSON.stringify(meaning(doc));
    const readBack: [string, unknown][] = [
      ["our markdown, read by us", markdownToNotes(ours)],
      ["@tiptap/markdown's, read by it", peer.parse(theirs)],
      ["our markdown, read by @tiptap/markdown", peer.parse(ours)],
    ];
    for (const [what, back] of readBack) {
      const got = JSON.stringify(meaning(back));
      if (got !== want) throw new Error(`notes bench: ${what} means something else:\n${got}\n${want}`);
    }
  }
}

function measure(seconds: number, run: () => void): number {
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let count = 0;
  let now = started;
  while (now < deadline) {
    for (let i = 0; i < 50; i++) run();
    count += 50;
    now = performance.now();
  }
  return count / ((now - started) / 1000);
}

export async function benchNotes(opts: { quick: boolean }): Promise<{
  notes_to_markdown_per_s: number;
  untrusted_notes_to_markdown_per_s: number;
  markdown_to_notes_per_s: number;
  tiptap_notes_to_markdown_per_s: number;
  tiptap_markdown_to_notes_per_s: number;
  notes_to_markdown_vs_tiptap_ratio: number;
  markdown_to_notes_vs_tiptap_ratio: number;
}> {
  // The peer: the official Tiptap markdown package, over the same editor extensions.
  const peer = new MarkdownManager({ extensions: notesExtensions });
  checkPeerAgrees(peer);
  // As the store keeps it: normalized when it was written.
  const doc = normalizeNotes(sampleNote())!;
  const markdown = notesToMarkdown(doc);
  const seconds = opts.quick ? 0.3 : 1;
  let sink = 0;
  // What get_entities runs on stored notes, and the careful path for any other input.
  const toMarkdown = (): void => {
    sink += storedNotesToMarkdown(doc).length;
  };
  const untrustedToMarkdown = (): void => {
    sink += notesToMarkdown(doc).length;
  };
  const toNotes = (): void => {
    sink += markdownToNotes(markdown)?.content?.length ?? 0;
  };
  // Warm up both directions, then take the best of several short windows: on a shared
  // machine noise only ever slows a window down.
  measure(seconds, toMarkdown);
  measure(seconds, toNotes);
  const best = (run: () => void) =>
    Math.round(Math.max(...Array.from({ length: 5 }, () => measure(seconds / 2, run))));
  const untrusted_notes_to_markdown_per_s = best(untrustedToMarkdown);
  // Ours and the peer's windows alternate, so a busy spell on the machine slows both alike.
  const tiptapToMarkdown = (): void => {
    sink += peer.serialize(doc).length;
  };
  const tiptapToNotes = (): void => {
    sink += peer.parse(markdown).content?.length ?? 0;
  };
  const bestOfPair = (a: () => void, b: () => void): [number, number] => {
    let bestA = 0;
    let bestB = 0;
    for (let round = 0; round < 5; round++) {
      bestA = Math.max(bestA, measure(seconds / 2, a));
      bestB = Math.max(bestB, measure(seconds / 2, b));
    }
    return [Math.round(bestA), Math.round(bestB)];
  };
  const [notes_to_markdown_per_s, tiptap_notes_to_markdown_per_s] = bestOfPair(toMarkdown, tiptapToMarkdown);
  const [markdown_to_notes_per_s, tiptap_markdown_to_notes_per_s] = bestOfPair(toNotes, tiptapToNotes);
  if (sink < 0) throw new Error("unreachable");
  return {
    notes_to_markdown_per_s,
    untrusted_notes_to_markdown_per_s,
    markdown_to_notes_per_s,
    tiptap_notes_to_markdown_per_s,
    tiptap_markdown_to_notes_per_s,
    notes_to_markdown_vs_tiptap_ratio: notes_to_markdown_per_s / tiptap_notes_to_markdown_per_s,
    markdown_to_notes_vs_tiptap_ratio: markdown_to_notes_per_s / tiptap_markdown_to_notes_per_s,
  };
}
