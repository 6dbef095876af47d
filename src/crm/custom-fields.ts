import { ValidationError } from "../domain/errors.js";
import type { CustomColumn, CustomColumnType } from "../domain/model.js";
import { quote } from "../domain/quote.js";
import { PHONE } from "./inputs.js";

/** The longest custom text value, and the bounds of the typed strings (checked before any pattern). */
export const MAX_CUSTOM_TEXT = 10_000;
const MAX_EMAIL = 254;
const MAX_LINK = 2048;

/** The stored forms of a custom value: the JSON given, and the copies filters compare on. */
export interface StoredCustomValue {
  columnId: string;
  value: unknown;
  text: string | null;
  num: number | null;
}

const NUMERIC: ReadonlySet<CustomColumnType> = new Set(["number", "currency", "checkbox"]);

export function isNumericColumn(type: CustomColumnType): boolean {
  return NUMERIC.has(type);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Checks a value against its column's type; `field` names it in the error. */
export function checkCustomValue(column: CustomColumn, value: unknown, field: string): StoredCustomValue {
  const fail = (what: string): never => {
    throw new ValidationError(field, `column "${column.label}" (${column.id}) is ${column.type}: ${what}`);
  };
  const str = (max = MAX_CUSTOM_TEXT) => {
    if (typeof value !== "string") return fail(`expected a string, got ${quote(value)}`);
    if (value.length > max) fail(`the value is ${value.length} characters long; the limit is ${max}`);
    return value;
  };
  switch (column.type) {
    case "number":
    case "currency":
      if (typeof value !== "number" || !Number.isFinite(value)) fail("expected a finite number");
      return { columnId: column.id, value, text: null, num: value as number };
    case "checkbox":
      if (typeof value !== "boolean") fail("expected true or false");
      return { columnId: column.id, value, text: null, num: value ? 1 : 0 };
    case "date": {
      const s = str();
      if (!DATE.test(s) || Number.isNaN(Date.parse(s))) fail("expected an ISO date such as 2026-12-31");
      return { columnId: column.id, value: s, text: s, num: null };
    }
    case "datetime": {
      const s = str();
      const t = Date.parse(s);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(s) || Number.isNaN(t))
        fail("expected an ISO date-time such as 2026-12-31T09:30:00Z");
      const iso = new Date(t).toISOString();
      return { columnId: column.id, value: iso, text: iso, num: null };
    }
    case "singleSelect": {
      const s = str();
      if (!column.options.includes(s))
        fail(`expected one of ${column.options.map((o) => JSON.stringify(o)).join(", ")}`);
      return { columnId: column.id, value: s, text: s, num: null };
    }
    case "email": {
      const s = str(MAX_EMAIL).trim();
      if (!EMAIL.test(s)) fail("expected an email address such as ada@example.com");
      return { columnId: column.id, value: s, text: s, num: null };
    }
    case "phone": {
      const s = str().trim();
      if (!PHONE.test(s)) fail("expected a phone number such as +49 30 1234567");
      return { columnId: column.id, value: s, text: s, num: null };
    }
    case "link": {
      const s = str(MAX_LINK).trim();
      let ok = false;
      try {
        ok = ["http:", "https:"].includes(new URL(s).protocol);
      } catch {}
      if (!ok) fail("expected an http or https URL");
      return { columnId: column.id, value: s, text: s, num: null };
    }
    default: {
      const s = str();
      return { columnId: column.id, value: s, text: s, num: null };
    }
  }
}
