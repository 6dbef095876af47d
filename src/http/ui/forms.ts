import type { IncomingMessage } from "node:http";
import { decodeUtf8 } from "../../csv/read.js";
import type { ValidationError } from "../../domain/errors.js";
import { type Html, html } from "./html.js";

const MAX_FORM_BYTES = 64 * 1024;

export class FormTooLarge extends Error {}

/** Reads an `application/x-www-form-urlencoded` body (what HTML forms send). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new FormTooLarge();
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** An uploaded file as text, or why it could not be read. */
export interface Upload {
  name: string;
  text: string;
  error?: string;
}

/**
 * Reads a `multipart/form-data` body (a file upload) with the platform's own parser:
 * its text fields as a form, and its one file as UTF-8 text. The body is bounded before
 * it is parsed.
 */
export async function readMultipart(
  req: IncomingMessage,
  maxFileBytes: number,
): Promise<{ form: URLSearchParams; upload?: Upload }> {
  const limit = maxFileBytes + MAX_FORM_BYTES;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit)
      throw new FormTooLarge(
        `The file is larger than ${Math.floor(maxFileBytes / (1024 * 1024))} MiB; import it with the command line (crm-mcp import).`,
      );
    chunks.push(chunk as Buffer);
  }
  let data: FormData;
  try {
    data = await new Response(Buffer.concat(chunks), {
      headers: { "content-type": req.headers["content-type"] ?? "" },
    }).formData();
  } catch {
    return { form: new URLSearchParams() };
  }
  const form = new URLSearchParams();
  let upload: Upload | undefined;
  for (const [name, value] of data) {
    if (typeof value === "string") form.append(name, value);
    else if (!upload && value.size > 0) {
      const bytes = new Uint8Array(await value.arrayBuffer());
      try {
        upload = { name: value.name, text: decodeUtf8(bytes) };
      } catch (error) {
        upload = { name: value.name, text: "", error: (error as Error).message.replace(/^file: /, "") };
      }
    }
  }
  return { form, upload };
}

/** Messages by form field; `""` holds those that name no field of the form. */
export type FieldErrors = Record<string, string>;

/**
 * Files a service's ValidationError under the form field it names: `events[3]` belongs
 * to `events`. The `field: ` prefix is dropped, the field already says it.
 */
export function fieldErrors(error: ValidationError, known: readonly string[]): FieldErrors {
  const field = error.field.split(/[.[]/)[0]!;
  const prefix = `${error.field}: `;
  const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  if (known.includes(field)) return { [field]: message };
  return { "": error.field ? `${error.field}: ${message}` : message };
}

/** The message under a field, tied to its input by `id`. */
export function errorFor(errors: FieldErrors, field: string): Html | string {
  const message = errors[field];
  return message ? html`<p class="error" id="${field}-error">${message}</p>` : "";
}

/** Attributes for an input that may be wrong. */
export function invalidAttrs(errors: FieldErrors, field: string): Html | string {
  return errors[field] ? html` aria-invalid="true" aria-describedby="${field}-error"` : "";
}

export function formError(errors: FieldErrors): Html | string {
  return errors[""] ? html`<div class="flash error" role="alert">${errors[""]}</div>` : "";
}

/**
 * A `datetime-local` value (`2026-11-29T10:00`, seconds optional) read as UTC, as an ISO
 * 8601 time. Anything else is passed on as typed, so the service's own message explains it.
 */
export function utcFromLocalInput(value: string): string {
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v)) return `${v}:00Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(v)) return `${v}Z`;
  return v;
}
