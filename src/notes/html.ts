/**
 * Notes as HTML for people to read. The stored Tiptap JSON goes through the same markdown
 * serializer agents read, then through the notes markdown-it instance with raw HTML off:
 * so a page shows what an agent reads, and every URL passes the one rule of `urls.ts`
 * (markdown-it leaves an unsafe link as its text). Nothing here builds markup by hand
 * from note content: markdown-it's renderer escapes every text and attribute.
 */
import MarkdownIt, { type Token } from "markdown-it";
import { storedNotesToMarkdown } from "./serialize.js";
import { md } from "./tokenizer.js";

// A renderer of our own, so the rules below never change how the shared instance renders.
const renderer = new MarkdownIt().renderer;
const rules = renderer.rules;

/** Links in notes go elsewhere: no referrer, no opener, no credit given to the target. */
rules.link_open = (tokens, i, options, _env, self) => {
  tokens[i]!.attrSet("rel", "nofollow noopener noreferrer");
  return self.renderToken(tokens, i, options);
};

// The tokenizer turns `- [ ]` lists into task lists; they render as lists with a box.
rules.task_list_open = () => '<ul class="tasks">\n';
rules.task_list_close = () => "</ul>\n";
rules.task_item_open = (tokens: Token[], i: number) =>
  tokens[i]!.meta?.checked
    ? '<li class="task done"><span class="box" role="img" aria-label="done">☑</span> '
    : '<li class="task"><span class="box" role="img" aria-label="to do">☐</span> ';
rules.task_item_close = () => "</li>\n";

/** Safe HTML for a note as stored (Tiptap JSON, or null): "" when there is nothing to show. */
export function notesToHtml(stored: unknown): string {
  const markdown = storedNotesToMarkdown(stored);
  if (!markdown.trim()) return "";
  return renderer.render(md.parse(markdown, {}), md.options, {});
}
