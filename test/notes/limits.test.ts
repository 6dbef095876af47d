/**
 * The JSON size check counts bytes without building the string: its count must equal
 * `Buffer.byteLength(JSON.stringify(value))` for every shape of value, and what it cannot
 * count it leaves to JSON.stringify.
 */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/domain/errors.js";
import { assertJsonSize, assertMarkdownSize, NOTES_JSON_MAX_BYTES } from "../../src/notes/limits.js";

const PAD = "x".repeat(NOTES_JSON_MAX_BYTES);

function refusal(value: unknown, origin?: string): string {
  try {
    assertJsonSize(value, origin);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe("notes");
    return (error as Error).message;
  }
  throw new Error("accepted");
}

const reported = (value: unknown) => Number(/got (\d+) bytes$/.exec(refusal(value))?.[1]);
const actual = (value: unknown) => Buffer.byteLength(JSON.stringify(value), "utf8");

describe("assertJsonSize", () => {
  it.each([
    ["ASCII, quotes and backslashes", `say "hi" \\ ${PAD}`],
    ["control characters, short and long escapes", `\b\t\n\f\r\u0000\u001f\u007f ${PAD}`],
    ["two- and three-byte characters", `é€ ${PAD}`],
    ["surrogate pairs and lone surrogates", `😀 \ud800x \udc00 ${PAD}\ud83d`],
  ])("counts strings exactly: %s", (_name, text) => {
    expect(reported({ text })).toBe(actual({ text }));
  });

  it("counts numbers, booleans, null, nested and empty containers exactly", () => {
    const value = {
      a: [1, -2.5, 1e21, Number.NaN, Number.POSITIVE_INFINITY, true, false, null, [], {}, [[[]]]],
      b: { c: { d: "e" } },
      pad: PAD,
    };
    expect(reported(value)).toBe(actual(value));
  });

  it("leaves out undefined, functions and symbols in objects, and writes null for them in arrays", () => {
    const value = {
      gone: undefined,
      fn: () => 1,
      sym: Symbol("s"),
      list: [undefined, () => 1, Symbol("s"), 1],
      pad: PAD,
    };
    expect(reported(value)).toBe(actual(value));
  });

  it("counts an object with a null prototype like a plain one", () => {
    const value = Object.assign(Object.create(null) as Record<string, unknown>, { pad: PAD });
    expect(reported(value)).toBe(actual(value));
  });

  it("hands toJSON and class instances to JSON.stringify, and reports the size when it cannot count", () => {
    const withDate = { when: new Date(0), pad: PAD };
    expect(refusal(withDate)).toMatch(/of JSON;$/);
    expect(() => assertJsonSize({ when: new Date(0), pad: "x" })).not.toThrow();
    class Box {
      constructor(readonly pad: string) {}
    }
    expect(refusal(new Box(PAD))).toMatch(/limited to 262144 bytes \(256 KiB\) of JSON;$/);
    // A class instance that is small once stringified passes.
    expect(() => assertJsonSize(new Box("x".repeat(50_000)))).not.toThrow();
  });

  it("refuses a bigint as not serialisable, and counts a cycle past the limit", () => {
    expect(refusal({ n: 10n })).toMatch(
      /is not serialisable as JSON; it must be markdown text or a Tiptap JSON/,
    );
    const cycle: Record<string, unknown> = { pad: "x".repeat(50_000) };
    cycle.self = cycle;
    expect(refusal(cycle)).toMatch(/got over 16777216 bytes$/);
  });

  it("reports a huge document as over 16 MiB instead of counting it to the end", () => {
    const huge = { pad: "x".repeat(17 * 1024 * 1024) };
    expect(refusal(huge)).toMatch(/got over 16777216 bytes$/);
  });

  it("names where a document came from", () => {
    expect(refusal({ pad: PAD }, "the stored note plus the appended one: ")).toMatch(
      /of JSON; the stored note plus the appended one: got \d+ bytes$/,
    );
  });

  it("accepts a document whose escapes make it look large but whose bytes fit", () => {
    // Counted at 6 bytes a unit by the first, cheap bound, but 1 byte each in fact.
    expect(() => assertJsonSize({ text: "x".repeat(NOTES_JSON_MAX_BYTES - 20) })).not.toThrow();
    expect(() => assertJsonSize({ text: "x".repeat(NOTES_JSON_MAX_BYTES) })).toThrow(ValidationError);
  });
});

describe("assertMarkdownSize", () => {
  it("counts UTF-8 bytes, not UTF-16 units", () => {
    expect(() => assertMarkdownSize("€".repeat(21_845))).not.toThrow();
    expect(() => assertMarkdownSize("€".repeat(21_846))).toThrow(/got 65538 bytes/);
    expect(() => assertMarkdownSize("x".repeat(65_537))).toThrow(/got 65537 bytes/);
  });
});
