import { domainToASCII, domainToUnicode } from "node:url";

/** The longest name DNS allows, and the longest URL a record keeps. */
export const MAX_DOMAIN = 253;
export const MAX_WEBSITE = 2048;

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A company's domain as one form, whatever was typed: `https://www.Acme.de/about` and
 * `acme.de` are both `acme.de`. Lowercased, without scheme, user, port, path or a leading
 * `www.`; international names in their Unicode form (`müller.de`). Null when what is left
 * is not a domain name (no dot, a bad label, an IP address).
 */
export function normalizeDomain(input: string): string | null {
  let s = input.trim().toLowerCase();
  if (s.length === 0 || s.length > MAX_WEBSITE) return null;
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
  s = s.split(/[/?#]/, 1)[0]!;
  s = s.slice(s.lastIndexOf("@") + 1);
  s = s.replace(/:\d*$/, "").replace(/\.$/, "");
  const ascii = domainToASCII(s);
  if (!ascii || ascii.length > MAX_DOMAIN) return null;
  const labels = ascii.split(".");
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  // A top-level domain is never all digits: that is an IPv4 address.
  if (/^\d+$/.test(labels[labels.length - 1]!)) return null;
  const bare = labels[0] === "www" && labels.length > 2 ? labels.slice(1).join(".") : ascii;
  return domainToUnicode(bare);
}

/**
 * A website as an http(s) URL: `acme.de/about` gains `https://`; anything else with a
 * scheme must be http or https and name a host. Null when it is not one.
 */
export function normalizeWebsite(input: string): string | null {
  const s = input.trim();
  if (s.length === 0 || s.length > MAX_WEBSITE) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(s) && !/^[^:/]+:\d/.test(s) ? s : `https://${s}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (!url.hostname || (!url.hostname.includes(".") && url.hostname !== "localhost")) return null;
  return withScheme;
}
