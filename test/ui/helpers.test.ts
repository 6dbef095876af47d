import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/domain/errors.js";
import { fieldErrors, utcFromLocalInput } from "../../src/http/ui/forms.js";
import { html, raw } from "../../src/http/ui/html.js";
import { originAllowed } from "../../src/http/ui/sessions.js";
import { compactEvents } from "../../src/http/ui/webhooks.js";

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe("html", () => {
  it("escapes every interpolated value, arrays included, and keeps nested templates", () => {
    const evil = `<script>alert("x")</script>&'`;
    const out = html`<p title="${evil}">${evil}${[evil, html`<b>${evil}</b>`]}${null}${false}${undefined}${0}</p>`;
    expect(out.toString()).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">' +
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;".repeat(2) +
        "<b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</b>0</p>",
    );
    expect(html`${raw("<hr>")}`.toString()).toBe("<hr>");
  });
});

describe("origin", () => {
  it("accepts a POST from this host only", () => {
    expect(originAllowed(request({ host: "127.0.0.1:3000" }))).toBe(true);
    expect(originAllowed(request({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" }))).toBe(true);
    expect(originAllowed(request({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3001" }))).toBe(false);
    expect(originAllowed(request({ host: "127.0.0.1:3000", origin: "http://evil.example" }))).toBe(false);
    expect(originAllowed(request({ host: "127.0.0.1:3000", origin: "null" }))).toBe(false);
  });
});

describe("forms", () => {
  it("reads a datetime-local value as UTC", () => {
    expect(utcFromLocalInput("2026-11-29T10:05")).toBe("2026-11-29T10:05:00Z");
    expect(utcFromLocalInput("2026-11-29T10:05:30.5")).toBe("2026-11-29T10:05:30.5Z");
    expect(utcFromLocalInput("yesterday")).toBe("yesterday");
  });

  it("files a service error under its field without the field's prefix", () => {
    expect(fieldErrors(new ValidationError("url", "HTTPS is required"), ["url", "events"])).toEqual({
      url: "HTTPS is required",
    });
    expect(fieldErrors(new ValidationError("events[2]", "not an event"), ["url", "events"])).toEqual({
      events: "not an event",
    });
    expect(fieldErrors(new ValidationError("limit", "too big"), ["url"])).toEqual({ "": "limit: too big" });
  });

  it("shows a webhook's events compactly", () => {
    expect(compactEvents(["contact.created", "contact.updated", "contact.deleted", "deal.updated"])).toEqual([
      "contact.*",
      "deal: updated",
    ]);
  });
});
