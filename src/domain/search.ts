import { ENTITIES, type EntityType } from "./model.js";

/**
 * What a searchTerm matches, decided here once for both engines: the searched fields of a
 * record folded into one text (`searchText`, stored with the record), and the term folded
 * the same way and cut into words. A record matches when each word occurs somewhere in its
 * text, so "Lovelace Ada" finds Ada Lovelace and "Jose" finds José.
 */

/** Letters that Unicode does not decompose into a base letter and a mark. */
const LETTERS: Record<string, string> = {
  ß: "ss",
  ẞ: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
};
const SPECIAL = new RegExp(`[${Object.keys(LETTERS).join("")}]`, "g");

/** Lowercase, without accents: "Zoë Müller" -> "zoe muller". */
export function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(SPECIAL, (c) => LETTERS[c] ?? c);
}

/** The words of a search term, folded; at most `MAX_SEARCH_WORDS`, each once. */
export function searchWords(term: string): string[] {
  return [...new Set(fold(term).split(/\s+/).filter(Boolean))].slice(0, MAX_SEARCH_WORDS);
}

export const MAX_SEARCH_WORDS = 16;

/**
 * One record's searched fields as the text a search matches: each value folded, separated
 * by a space so that no word spans two fields. Phone numbers also appear as their digits
 * alone, so "301234567" finds "+49 30 1234567".
 */
export function searchText(type: EntityType, record: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const field of ENTITIES[type].searchFields) {
    const value = record[field];
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (typeof v !== "string" || v === "") continue;
      parts.push(fold(v));
      if (field === "phones") {
        const digits = v.replace(/\D/g, "");
        if (digits && digits !== v) parts.push(digits);
      }
    }
  }
  return parts.join(" ");
}
