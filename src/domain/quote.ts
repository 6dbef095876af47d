/** How much of a caller's value an error message repeats. */
export const QUOTED_MAX_CHARS = 40;

/**
 * A caller's value as an error message shows it: a string as a short quoted prefix with its
 * length, anything else by its kind. Never the whole value, so a 1 MB input makes a short error.
 */
export function quote(value: unknown, max = QUOTED_MAX_CHARS): string {
  switch (typeof value) {
    case "string":
      return value.length <= max
        ? JSON.stringify(value)
        : `${JSON.stringify(value.slice(0, max)).slice(0, -1)}..." (${value.length} characters)`;
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    case "undefined":
      return "nothing";
    case "object":
      if (value === null) return "null";
      return Array.isArray(value) ? `an array of ${value.length} items` : "an object";
    default:
      return `a ${typeof value}`;
  }
}
