/**
 * Where webhooks may be sent.
 *
 * Rules: `https:` only; no userinfo; every address the host stands for must be public
 * unicast. Loopback, private, link-local (cloud metadata included), CGNAT, multicast,
 * unspecified, broadcast, reserved and documentation ranges are refused, and so are the
 * IPv4-mapped and NAT64 forms of such addresses. `allowPrivate` lifts the address rule
 * (tests, self-hosting on a private network), never the `https:` rule.
 *
 * The pure checks (`checkWebhookUrl`, `classifyAddress`) need no network. `vetUrlForSave`
 * and `resolveForSend` resolve the host through an injectable resolver.
 */
import { promises as dnsPromises } from "node:dns";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { ValidationError } from "../domain/errors.js";

export type AddressVerdict = { public: true } | { public: false; reason: string };

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its A/AAAA records. */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

export interface UrlPolicyOptions {
  /** Lift the public-address rule (never the https rule). Default false. */
  allowPrivate?: boolean;
  /** Default: the system resolver (`dns.promises.lookup` with `all: true`). */
  resolver?: Resolver;
}

export type SendTarget =
  | {
      ok: true;
      /** The address to connect to (the first record, or the literal host). */
      address: string;
      family: 4 | 6;
      url: URL;
      /** Every vetted address of the host; `address` is one of them. */
      addresses: string[];
    }
  | { ok: false; errorClass: "policy" | "dns"; reason: string };

/** The system resolver: every address `getaddrinfo` returns, in its order. */
export const systemResolver: Resolver = async (host) => {
  // Stryker disable next-line BooleanLiteral: only the order of the answers changes, which a test cannot pin on one machine's resolver
  const records = await dnsPromises.lookup(host, { all: true, verbatim: true });
  return records.map((r) => ({ address: r.address, family: r.family === 6 ? 6 : 4 }));
};

/** How long sends reuse the system resolver's answer for a host. */
const SEND_LOOKUP_TTL_MS = 1000;
const SEND_LOOKUP_MAX_HOSTS = 256;
const sendLookups = new Map<string, { until: number; records: Promise<ResolvedAddress[]> }>();

/**
 * The system resolver for sends: one `getaddrinfo` per host and second, shared by the sends
 * that need it meanwhile, instead of one per send (each takes a thread-pool slot). The
 * answer is vetted on every send all the same, and a failed lookup is never reused.
 */
function sendLookup(host: string): Promise<ResolvedAddress[]> {
  const hit = sendLookups.get(host);
  if (hit !== undefined && hit.until > Date.now()) return hit.records;
  if (sendLookups.size >= SEND_LOOKUP_MAX_HOSTS) sendLookups.clear();
  const records = systemResolver(host);
  // Shared while under way, however long it takes; kept for a second from its answer.
  const entry = { until: Number.POSITIVE_INFINITY, records };
  sendLookups.set(host, entry);
  records.then(
    () => {
      entry.until = Date.now() + SEND_LOOKUP_TTL_MS;
    },
    () => {
      if (sendLookups.get(host) === entry) sendLookups.delete(host);
    },
  );
  return records;
}

const IPV4_RANGE_REASONS: Record<string, string> = {
  unspecified: "an unspecified address (0.0.0.0/8)",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address (169.254.0.0/16)",
  loopback: "a loopback address",
  carrierGradeNat: "a carrier-grade NAT address (100.64.0.0/10)",
  private: "a private network address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
  reserved: "a reserved or documentation address",
  as112: "an AS112 sink address",
  amt: "an AMT relay address",
};

const IPV6_RANGE_REASONS: Record<string, string> = {
  unspecified: "the unspecified address (::)",
  linkLocal: "a link-local address (fe80::/10)",
  multicast: "a multicast address (ff00::/8)",
  loopback: "the loopback address (::1)",
  uniqueLocal: "a unique local address (fc00::/7)",
  deprecatedSiteLocal: "a site-local address (fec0::/10)",
  discard: "a discard-only address (100::/64)",
  rfc6145: "an IPv4-translated address (::ffff:0:0:0/96)",
  "6to4": "a 6to4 relay address (2002::/16)",
  teredo: "a Teredo tunnel address (2001::/32)",
  benchmarking: "a benchmarking address (2001:2::/48)",
  amt: "an AMT relay address",
  as112v6: "an AS112 sink address",
  deprecatedOrchid: "an ORCHID address",
  orchid2: "an ORCHID address",
  droneRemoteIdProtocolEntityTags: "a drone remote ID address",
  segmentRouting: "a segment routing address (5f00::/16)",
  reserved: "a reserved or documentation address",
};

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");
const NAT64_WELL_KNOWN = ipaddr.parseCIDR("64:ff9b::/96");
const NAT64_LOCAL_USE = ipaddr.parseCIDR("64:ff9b:1::/48");
const METADATA_V4 = "169.254.169.254";

/** The IPv4 address carried in the last 32 bits of an IPv6 address. */
function embeddedV4(v6: ipaddr.IPv6): ipaddr.IPv4 {
  const bytes = v6.toByteArray();
  return new ipaddr.IPv4(bytes.slice(12, 16));
}

/** What kind of non-public address an IPv4 address is, or null when it is public unicast. */
function describeV4(v4: ipaddr.IPv4): string | null {
  const range = v4.range();
  if (range === "unicast") return null;
  if (v4.toString() === METADATA_V4) return "the cloud metadata endpoint (a link-local address)";
  // Stryker disable next-line StringLiteral: unreachable with ipaddr.js 2, whose every IPv4 range is in the table; kept for a later version
  return IPV4_RANGE_REASONS[range] ?? `a non-public address (${range})`;
}

function classifyV4(v4: ipaddr.IPv4): AddressVerdict {
  const description = describeV4(v4);
  return description === null ? { public: true } : { public: false, reason: `${v4} is ${description}` };
}

function classifyEmbedded(v6: ipaddr.IPv6, form: string): AddressVerdict {
  const v4 = embeddedV4(v6);
  const description = describeV4(v4);
  if (description === null) return { public: true };
  return { public: false, reason: `${v6} is the ${form} form of ${v4}, ${description}` };
}

function classifyV6(v6: ipaddr.IPv6): AddressVerdict {
  const text = v6.toString();
  if (v6.zoneId !== undefined) {
    return { public: false, reason: `${text}%${v6.zoneId} is a scoped address` };
  }
  if (v6.isIPv4MappedAddress()) return classifyEmbedded(v6, "IPv4-mapped");
  if (v6.match(NAT64_WELL_KNOWN)) return classifyEmbedded(v6, "NAT64");
  if (v6.match(NAT64_LOCAL_USE)) {
    const inner = classifyEmbedded(v6, "NAT64 (local-use prefix)");
    if (!inner.public) return inner;
    return { public: false, reason: `${text} is in the local-use NAT64 prefix 64:ff9b:1::/48` };
  }
  const range = v6.range();
  if (range !== "unicast") {
    return {
      public: false,
      // Stryker disable next-line StringLiteral: unreachable with ipaddr.js 2 (its two ranges missing here, ipv4Mapped and rfc6052, are classified above)
      reason: `${text} is ${IPV6_RANGE_REASONS[range] ?? `a non-public address (${range})`}`,
    };
  }
  if (!v6.match(GLOBAL_UNICAST_V6)) {
    return { public: false, reason: `${text} is outside the global unicast range (2000::/3)` };
  }
  return { public: true };
}

/** Removes the brackets `URL.hostname` keeps around an IPv6 literal. */
export function stripBrackets(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

/**
 * Whether an IP address is public unicast. Anything that does not parse as an IP address
 * (brackets are tolerated) is not public.
 */
export function classifyAddress(ip: string): AddressVerdict {
  const text = stripBrackets(ip.trim());
  // split always yields a first element: the fallback only satisfies the type.
  // Stryker disable next-line StringLiteral: equivalent, see above
  if (isIP(text.split("%")[0] ?? "") === 0) {
    return { public: false, reason: `"${ip}" is not an IP address` };
  }
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(text);
  } catch {
    return { public: false, reason: `"${ip}" is not an IP address` };
  }
  return parsed.kind() === "ipv4" ? classifyV4(parsed as ipaddr.IPv4) : classifyV6(parsed as ipaddr.IPv6);
}

/** The host of a URL as an IP literal (brackets removed), or null when it is a name. */
export function literalAddress(url: URL): { address: string; family: 4 | 6 } | null {
  const host = stripBrackets(url.hostname);
  const family = isIP(host);
  return family === 4 || family === 6 ? { address: host, family } : null;
}

/** Every refusal of an address says how a private network's receivers are allowed. */
const PUBLIC_ONLY =
  "webhooks must target a public address (set CRM_WEBHOOK_ALLOW_PRIVATE=1 to allow receivers on a private network)";

/** `https://` and then a host: not a path, not nothing. */
const AUTHORITY = /^https:\/\/[^/\\?#]/i;
const NAME_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const TOP_LABEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * Why a host name (as the URL parser gives it: lower case, punycode) cannot be a public DNS
 * name, or null when it may be one. Checked before any lookup, so a mistyped URL costs none.
 */
export function publicNameProblem(host: string): string | null {
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  if (name.length > 253) return "is longer than 253 characters";
  const labels = name.split(".");
  if (labels.length < 2) return "has no dot; a public name looks like hooks.example.com";
  if (!labels.every((label) => NAME_LABEL.test(label)))
    return "has a label that is not 1 to 63 letters, digits, hyphens and underscores";
  const top = labels[labels.length - 1]!;
  if (!TOP_LABEL.test(top)) return "does not end in a top-level domain";
  if (top === "localhost") return "is a local name";
  return null;
}

/**
 * The checks that need no network: the URL parses, its scheme is `https:`, it carries no
 * userinfo, it has a host, and that host is a public IP address or a plausible public name
 * (unless `allowPrivate`). Names are not resolved.
 */
export function checkWebhookUrl(url: string, options: { allowPrivate?: boolean } = {}): UrlCheck {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: `"${url}" is not a valid URL` };
  }
  if (parsed.protocol === "http:") {
    return { ok: false, reason: "HTTPS is required: http:// URLs are refused, use https://" };
  }
  if (parsed.protocol !== "https:") {
    return { ok: false, reason: `HTTPS is required: ${parsed.protocol} URLs are refused, use https://` };
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return {
      ok: false,
      reason: "the URL must not contain credentials (user:password@); use the webhook secret instead",
    };
  }
  // The URL parser makes a host of the path when the host is missing: https:///x is https://x/.
  if (parsed.hostname === "" || !AUTHORITY.test(url.trim()))
    return { ok: false, reason: "the URL has no host: write it as https://host.example.com/path" };
  const literal = literalAddress(parsed);
  if (!literal && !options.allowPrivate) {
    const problem = publicNameProblem(parsed.hostname);
    if (problem)
      return {
        ok: false,
        reason: `${JSON.stringify(parsed.hostname.slice(0, 100))} is not a public host name: it ${problem} (CRM_WEBHOOK_ALLOW_PRIVATE=1 allows private names)`,
      };
  }
  if (literal && !options.allowPrivate) {
    const verdict = classifyAddress(literal.address);
    if (!verdict.public) return { ok: false, reason: `${verdict.reason}; ${PUBLIC_ONLY}` };
  }
  return { ok: true, url: parsed };
}

function firstNonPublic(records: ResolvedAddress[]): string | null {
  for (const record of records) {
    const verdict = classifyAddress(record.address);
    if (!verdict.public) return verdict.reason;
  }
  return null;
}

/**
 * Vets a webhook URL when it is saved. Throws `ValidationError("url", reason)` on refusal.
 * A name that does not resolve (yet) is accepted; a name that resolves must resolve only to
 * public addresses. Returns the parsed URL.
 */
export async function vetUrlForSave(url: string, options: UrlPolicyOptions = {}): Promise<URL> {
  const allowPrivate = options.allowPrivate ?? false;
  const check = checkWebhookUrl(url, { allowPrivate });
  if (!check.ok) throw new ValidationError("url", check.reason);
  if (allowPrivate || literalAddress(check.url)) return check.url;

  const host = check.url.hostname;
  let records: ResolvedAddress[];
  try {
    records = await (options.resolver ?? systemResolver)(host);
  } catch {
    return check.url;
  }
  const refused = firstNonPublic(records);
  if (refused !== null) {
    throw new ValidationError("url", `${host} resolves to a non-public address: ${refused}; ${PUBLIC_ONLY}`);
  }
  return check.url;
}

function dnsReason(host: string, err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string"
    ? `could not resolve ${host} (${code})`
    : `could not resolve ${host}: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * Resolves and vets the host right before a send. Every address must be public (unless
 * `allowPrivate`); the first one is returned so the connection can be pinned to it.
 */
export async function resolveForSend(url: string, options: UrlPolicyOptions = {}): Promise<SendTarget> {
  const allowPrivate = options.allowPrivate ?? false;
  const check = checkWebhookUrl(url, { allowPrivate });
  if (!check.ok) return { ok: false, errorClass: "policy", reason: check.reason };
  const literal = literalAddress(check.url);
  if (literal) {
    return {
      ok: true,
      address: literal.address,
      family: literal.family,
      url: check.url,
      addresses: [literal.address],
    };
  }

  const host = check.url.hostname;
  let records: ResolvedAddress[];
  try {
    records = await (options.resolver ?? sendLookup)(host);
  } catch (err) {
    return { ok: false, errorClass: "dns", reason: dnsReason(host, err) };
  }
  const first = records[0];
  if (first === undefined)
    return { ok: false, errorClass: "dns", reason: `${host} has no A or AAAA records` };
  for (const record of records) {
    if (isIP(record.address) === 0) {
      return {
        ok: false,
        errorClass: "dns",
        reason: `${host} resolved to "${record.address}", not an IP address`,
      };
    }
  }
  if (!allowPrivate) {
    const refused = firstNonPublic(records);
    if (refused !== null) {
      return {
        ok: false,
        errorClass: "policy",
        reason: `${host} resolves to a non-public address: ${refused}; ${PUBLIC_ONLY}`,
      };
    }
  }
  return {
    ok: true,
    address: first.address,
    family: isIP(first.address) === 6 ? 6 : 4,
    url: check.url,
    addresses: records.map((r) => r.address),
  };
}
