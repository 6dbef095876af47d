import { parse } from "csv-parse";
import { ValidationError } from "../domain/errors.js";
import { unguardCell } from "./fields.js";

/**
 * Bounds of one CSV file, checked before the work they limit: the bytes before parsing,
 * the rows, the record size and the columns while parsing, the cells before mapping.
 */
export const CSV_LIMITS = {
  /** What the command line reads. The MCP tool and the UI take less (see their callers). */
  maxBytes: 64 * 1024 * 1024,
  maxRows: 250_000,
  maxColumns: 200,
  /** Room for notes as markdown (64 KiB) in one cell. */
  maxCellChars: 64 * 1024,
};

export interface CsvTable {
  header: string[];
  /** Data rows; `rows[i]` is the spreadsheet's row i + 2 (the header is row 1). */
  rows: string[][];
  delimiter: "," | ";" | "\t";
}

const DELIMITERS = [",", ";", "\t"] as const;

/**
 * The separator the header line uses most, outside quotes: spreadsheets write `;` where
 * the comma is the decimal mark, `,` elsewhere, and tabs when copied.
 */
export function detectDelimiter(text: string): CsvTable["delimiter"] {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text.slice(0, 64 * 1024)) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best: CsvTable["delimiter"] = ",";
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** Bytes as UTF-8 text; anything else is refused with how to fix it. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ValidationError(
      "file",
      "is not UTF-8 text; save it from your spreadsheet as CSV UTF-8 and try again",
    );
  }
}

/** How much text the parser takes at a time; the event loop runs between slices. */
const SLICE_CHARS = 256 * 1024;

/**
 * Parses CSV text: quoted fields, embedded newlines, a byte order mark, `,` `;` or tab
 * separators. Whole-file problems (size, broken quoting, no header, too many columns)
 * throw a ValidationError on `file`; row problems are left to the importer, which reports
 * them. The text is parsed a slice at a time, so a large file does not hold up other
 * requests, and a record wider than the column bound stops the parse where it is found.
 */
export async function readCsv(text: string, limits = CSV_LIMITS): Promise<CsvTable> {
  const bytes = Buffer.byteLength(text);
  if (bytes > limits.maxBytes)
    throw new ValidationError(
      "file",
      `is ${bytes} bytes; the limit is ${limits.maxBytes}. Split it into smaller files`,
    );
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const delimiter = detectDelimiter(body);
  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: limits.maxCellChars * 4,
  });
  // A slice at a time, with a turn of the event loop between slices; the loop below
  // takes each slice's records before the next is written.
  const feed = async () => {
    for (let at = 0; at < body.length; at += SLICE_CHARS) {
      if (parser.destroyed) return;
      parser.write(body.slice(at, at + SLICE_CHARS));
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (!parser.destroyed) parser.end();
  };
  void feed();
  const records: string[][] = [];
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (record.length > limits.maxColumns) {
        throw records.length === 0
          ? new ValidationError(
              "file",
              `has ${record.length} columns; the limit is ${limits.maxColumns}. Remove the columns you do not import`,
            )
          : new ValidationError(
              "file",
              `row ${records.length + 1} has ${record.length} cells; the limit is ${limits.maxColumns} columns. Quote cells that hold the separator, or remove the extra cells`,
            );
      }
      // The header and one row more than allowed, so a file past the bound is told so rather than cut.
      if (records.length > limits.maxRows)
        throw new ValidationError(
          "file",
          `has more than ${limits.maxRows} rows; split it into smaller files`,
        );
      records.push(record);
    }
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError("file", `is not valid CSV: ${(error as Error).message}`);
  } finally {
    parser.destroy();
  }
  const [header, ...rows] = records;
  if (!header || header.every((h) => h.trim() === ""))
    throw new ValidationError("file", "has no header row; the first line must name the columns");
  return { header: header.map((h) => unguardCell(h.trim()).trim()), rows, delimiter };
}
