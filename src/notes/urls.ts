/**
 * The one rule for the URLs of notes (link hrefs, image sources), whether they come as
 * markdown or as Tiptap JSON: markdown-it's, which refuses `javascript:`, `vbscript:`,
 * `file:` and `data:` URLs other than `data:image/{gif,png,jpeg,webp}`.
 */
import { md } from "./tokenizer.js";

/** What a browser ignores in a URL: tabs and line breaks anywhere, controls and spaces at the ends. */
const IGNORED = /[\t\n\r]/g;

/** `url` without the controls and spaces (U+0000 to U+0020) at its ends. */
function trimControls(url: string): string {
  let start = 0;
  let end = url.length;
  while (start < end && url.charCodeAt(start) <= 0x20) start++;
  while (end > start && url.charCodeAt(end - 1) <= 0x20) end--;
  return url.slice(start, end);
}

export const UNSAFE_URL_MESSAGE =
  "javascript:, vbscript:, file: and data: URLs are refused (data:image/gif, png, jpeg and webp are taken)";

/** Whether a note may hold `url` as a link or image source. */
export function isSafeNoteUrl(url: string): boolean {
  return md.validateLink(trimControls(url.replace(IGNORED, "")));
}
