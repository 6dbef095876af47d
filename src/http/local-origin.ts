/**
 * DNS rebinding: when the server listens on a loopback address, a page on another site can
 * still reach it through a name that resolves to 127.0.0.1. Such requests carry that name in
 * Host (and the site in Origin), so only loopback addresses and `localhost` are let through.
 * Pure: headers in, a refusal (or null) out.
 */
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Whether a host name (as `URL.hostname` gives it, or as given to `--host`) is a loopback
 * address or `localhost`. A name that merely starts like one, `127.0.0.1.nip.io`, is not.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  if (name === "localhost") return true;
  const bare = name.startsWith("[") && name.endsWith("]") ? name.slice(1, -1) : name;
  if (isIP(bare) === 0) return false;
  try {
    const address = ipaddr.parse(bare);
    if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress())
      return (address as ipaddr.IPv6).toIPv4Address().range() === "loopback";
    return address.range() === "loopback";
  } catch {
    return false;
  }
}

/** The host name of a Host header value (`name:port`, `[v6]:port`), or null when it is not one. */
function hostOfHeader(value: string): string | null {
  // Anything a URL would read as more than a host and port (a path, userinfo) is not a Host.
  if (value === "" || /[/?#@\\\s]/.test(value)) return null;
  try {
    return new URL(`http://${value}`).hostname;
  } catch {
    return null;
  }
}

/** Why a request to a server bound to loopback is refused, or null when it may pass. */
export function foreignHostRefusal(
  headers: { host?: string; origin?: string },
  boundLocal: boolean,
): string | null {
  if (!boundLocal) return null;
  const host = hostOfHeader(headers.host ?? "");
  if (host === null || !isLoopbackHost(host))
    return `Host ${JSON.stringify((headers.host ?? "").slice(0, 100))} is not allowed`;
  const origin = headers.origin;
  if (origin && origin !== "null") {
    let originHost = "";
    try {
      originHost = new URL(origin).hostname;
    } catch {}
    if (!isLoopbackHost(originHost)) return `Origin ${JSON.stringify(origin.slice(0, 100))} is not allowed`;
  }
  return null;
}
