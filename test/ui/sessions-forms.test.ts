/**
 * The UI's session store and form helpers, in process: what the cookie parser accepts, when
 * a session ends, how a CSRF token compares, how a form body is bounded and read.
 */
import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/domain/errors.js";
import {
  errorFor,
  FormTooLarge,
  fieldErrors,
  formError,
  invalidAttrs,
  readForm,
  utcFromLocalInput,
} from "../../src/http/ui/forms.js";
import {
  clearedCookie,
  cookieValue,
  csrfMatches,
  originAllowed,
  SESSION_TTL_MS,
  SessionStore,
  sessionCookie,
} from "../../src/http/ui/sessions.js";
import { openStore, type Store } from "../../src/store/index.js";

const withCookie = (cookie?: string) =>
  ({ headers: cookie === undefined ? {} : { cookie } }) as unknown as IncomingMessage;
const actor = { userId: "usr_1", companyId: "co_1" };

describe("cookieValue", () => {
  it("finds the named cookie among others, trimmed; empty or missing is null", () => {
    expect(cookieValue("a=1; crm_session=tok; b=2", "crm_session")).toBe("tok");
    expect(cookieValue("  crm_session = tok  ", "crm_session")).toBe("tok");
    expect(cookieValue("crm_session=a=b", "crm_session")).toBe("a=b");
    expect(cookieValue("xcrm_session=tok; crm_sessionx=tok", "crm_session")).toBeNull();
    expect(cookieValue("crm_session", "crm_session")).toBeNull();
    expect(cookieValue("crm_session=", "crm_session")).toBeNull();
    expect(cookieValue("crm_session=   ; crm_session=later", "crm_session")).toBeNull();
    expect(cookieValue("", "crm_session")).toBeNull();
    expect(cookieValue(undefined, "crm_session")).toBeNull();
    expect(cookieValue("junk; crm_session=tok", "crm_session")).toBe("tok");
    // A part without "=" is not a cookie, even if all but its last letter is the name.
    expect(cookieValue("crm_sessionX", "crm_session")).toBeNull();
  });
});

describe("SessionStore", () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore({ dbPath: ":memory:" });
  });
  afterEach(async () => {
    await store.close();
  });

  it("makes a session with a random token and CSRF token, each 32 bytes", async () => {
    const sessions = new SessionStore(store, () => 0);
    const a = await sessions.create(actor);
    const b = await sessions.create(actor);
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set([a.token, a.csrf, b.token, b.csrf]).size).toBe(4);
    expect(a).toMatchObject({ actor, expiresAt: SESSION_TTL_MS });
  });

  it("finds a session by its cookie until it expires", async () => {
    let now = 1000;
    const sessions = new SessionStore(store, () => now);
    const s = await sessions.create(actor);
    expect(await sessions.fromRequest(withCookie(`crm_session=${s.token}`))).toMatchObject({
      token: s.token,
      csrf: s.csrf,
      actor,
    });
    expect(await sessions.fromRequest(withCookie())).toBeNull();
    expect(await sessions.fromRequest(withCookie("crm_session="))).toBeNull();
    now = s.expiresAt;
    expect(await sessions.fromRequest(withCookie(`crm_session=${s.token}`))).toBeNull();
  });

  it("sweeps expired sessions when a new one is made, and keeps live ones", async () => {
    let now = 0;
    const sessions = new SessionStore(store, () => now);
    const old = await sessions.create(actor);
    now = SESSION_TTL_MS / 2;
    const young = await sessions.create(actor);
    now = SESSION_TTL_MS;
    await sessions.create(actor);
    // Had the sweep kept it, turning the clock back would bring it back.
    now = 0;
    expect(await sessions.fromRequest(withCookie(`crm_session=${old.token}`))).toBeNull();
    expect(await sessions.fromRequest(withCookie(`crm_session=${young.token}`))).toMatchObject({
      token: young.token,
    });
  });

  it("ends a session at once", async () => {
    const sessions = new SessionStore(store);
    const s = await sessions.create(actor);
    await sessions.end(s);
    expect(await sessions.fromRequest(withCookie(`crm_session=${s.token}`))).toBeNull();
  });

  it("writes the cookie HttpOnly, SameSite=Strict, for 12 hours, and clears it", async () => {
    const s = await new SessionStore(store).create(actor);
    expect(sessionCookie(s)).toBe(`crm_session=${s.token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200`);
    expect(clearedCookie()).toBe("crm_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
  });
});

/** A session as the pages hold one, for the pure checks below. */
const session = () => ({
  token: "t".repeat(43),
  csrf: "Ab1_cD2-eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3aB",
  actor,
  expiresAt: 0,
});

describe("csrfMatches and originAllowed", () => {
  it("matches the session's token exactly", () => {
    const s = session();
    expect(csrfMatches(s, s.csrf)).toBe(true);
    for (const sent of [
      null,
      "",
      s.csrf.slice(1),
      `${s.csrf}=`,
      s.csrf.toUpperCase() === s.csrf ? "x" : s.csrf.toUpperCase(),
    ])
      expect(csrfMatches(s, sent)).toBe(false);
  });

  it("accepts no Origin, or this very host over http or https; refuses a Host-less request with one", () => {
    const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
    expect(originAllowed(req({}))).toBe(true);
    expect(originAllowed(req({ host: "crm.example.com" }))).toBe(true);
    expect(originAllowed(req({ host: "crm.example.com", origin: "https://crm.example.com" }))).toBe(true);
    expect(originAllowed(req({ host: "crm.example.com", origin: "http://crm.example.com" }))).toBe(true);
    expect(originAllowed(req({ origin: "http://crm.example.com" }))).toBe(false);
    expect(originAllowed(req({ origin: "http://undefined" }))).toBe(false);
    expect(originAllowed(req({ host: "crm.example.com", origin: "https://crm.example.com.evil" }))).toBe(
      false,
    );
    expect(originAllowed(req({ host: "crm.example.com", origin: "ws://crm.example.com" }))).toBe(false);
  });
});

describe("forms", () => {
  const body = (...chunks: (string | Buffer)[]) =>
    Readable.from(
      chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c)),
    ) as unknown as IncomingMessage;

  it("reads a urlencoded body across chunks, UTF-8 included", async () => {
    const form = await readForm(body("a=1&name=J%C3%BC", "rgen&events=x&events=y"));
    expect(form.get("name")).toBe("Jürgen");
    expect(form.getAll("events")).toEqual(["x", "y"]);
  });

  it("takes 64 KiB exactly, and refuses one byte more however it is split", async () => {
    const max = 64 * 1024;
    expect((await readForm(body(`a=${"x".repeat(max - 2)}`))).get("a")).toHaveLength(max - 2);
    await expect(readForm(body(`a=${"x".repeat(max - 1)}`))).rejects.toBeInstanceOf(FormTooLarge);
    await expect(readForm(body("a=".padEnd(max, "x"), "y"))).rejects.toBeInstanceOf(FormTooLarge);
  });

  it("files an error under its form field, or above the form with its field named", () => {
    expect(fieldErrors(new ValidationError("url", "HTTPS is required"), ["url"])).toEqual({
      url: "HTTPS is required",
    });
    expect(fieldErrors(new ValidationError("events[0]", "not an event"), ["events"])).toEqual({
      events: "not an event",
    });
    expect(fieldErrors(new ValidationError("secret.x", "too short"), ["secret"])).toEqual({
      secret: "too short",
    });
    expect(fieldErrors(new ValidationError("", "something is wrong"), ["url"])).toEqual({
      "": "something is wrong",
    });
    expect(fieldErrors(new ValidationError("limit", "too big"), ["url"])).toEqual({
      "": "limit: too big",
    });
    // A message that does not start with the field keeps all of itself.
    expect(fieldErrors(new ValidationError("url", "urls are https"), ["url"])).toEqual({
      url: "urls are https",
    });
  });

  it("renders an error, the input's attributes and the form-level message only when there is one", () => {
    const errors = { url: "HTTPS is required", "": "Try again" };
    expect(String(errorFor(errors, "url"))).toBe('<p class="error" id="url-error">HTTPS is required</p>');
    expect(errorFor(errors, "events")).toBe("");
    expect(String(invalidAttrs(errors, "url"))).toBe(' aria-invalid="true" aria-describedby="url-error"');
    expect(invalidAttrs(errors, "events")).toBe("");
    expect(String(formError(errors))).toBe('<div class="flash error" role="alert">Try again</div>');
    expect(formError({ url: "x" })).toBe("");
  });

  it("reads datetime-local values as UTC and passes anything else on as typed", () => {
    expect(utcFromLocalInput(" 2026-11-29T10:05 ")).toBe("2026-11-29T10:05:00Z");
    expect(utcFromLocalInput("2026-11-29T10:05:30")).toBe("2026-11-29T10:05:30Z");
    expect(utcFromLocalInput("2026-11-29T10:05:30.123")).toBe("2026-11-29T10:05:30.123Z");
    expect(utcFromLocalInput("2026-11-29T10:05:30Z")).toBe("2026-11-29T10:05:30Z");
    expect(utcFromLocalInput("2026-11-29 10:05")).toBe("2026-11-29 10:05");
    expect(utcFromLocalInput("x2026-11-29T10:05")).toBe("x2026-11-29T10:05");
    expect(utcFromLocalInput("x2026-11-29T10:05:30")).toBe("x2026-11-29T10:05:30");
    expect(utcFromLocalInput("2026-11-29T10:05:30.1x")).toBe("2026-11-29T10:05:30.1x");
    expect(utcFromLocalInput("2026-11-29T10:05x")).toBe("2026-11-29T10:05x");
  });
});
