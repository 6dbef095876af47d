import { createHash, randomBytes } from "node:crypto";
import type {
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from "@modelcontextprotocol/client";

/** Where the test clients say the browser comes back; nothing listens there, the test reads the redirect. */
export const CALLBACK = "http://127.0.0.1:9/callback";

/** The SDK's OAuth client state, kept in memory: what a desktop client keeps on disk. */
export class MemoryOAuthClient implements OAuthClientProvider {
  client?: StoredOAuthClientInformation;
  saved?: StoredOAuthTokens;
  verifier = "";
  authorizationUrl?: URL;

  constructor(
    private readonly scope: string,
    readonly clientMetadataUrl?: string,
    private readonly name = "Test client",
  ) {}

  get redirectUrl() {
    return CALLBACK;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.name,
      redirect_uris: [CALLBACK],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      scope: this.scope,
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: StoredOAuthClientInformation) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: StoredOAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  private discovery?: OAuthDiscoveryState;
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
}

/** A browser's cookies, enough for one origin: every cookie goes back on every request. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/** A GET or form POST as a browser sends it, redirects left to the caller. */
export async function browse(
  jar: CookieJar,
  url: string,
  fields?: Record<string, string>,
  encoded?: URLSearchParams,
): Promise<{ status: number; location: string | null; text: string }> {
  const form = encoded ?? (fields ? new URLSearchParams(fields) : undefined);
  const res = await fetch(url, {
    method: form ? "POST" : "GET",
    redirect: "manual",
    headers: {
      cookie: jar.header(),
      ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
    },
    body: form?.toString(),
  });
  jar.take(res);
  const location = res.headers.get("location");
  return { status: res.status, location: location && new URL(location, url).href, text: await res.text() };
}

/**
 * What a person does in the browser the client opened: the authorization URL sends them to
 * the consent page, they sign in with an API key, read the page and press a button. Answers
 * the consent page's text and where the browser is sent in the end (the client's callback).
 */
export async function consent(
  authorizationUrl: URL | string,
  apiKey: string,
  options: { decision?: "approve" | "deny"; scopes?: string[] } = {},
): Promise<{ page: string; callback: URL }> {
  const jar = new CookieJar();
  const start = await browse(jar, String(authorizationUrl));
  if (start.status !== 303 || !start.location?.includes("/oauth/consent/")) {
    throw new Error(`authorization did not ask for consent: ${start.status} ${start.location} ${start.text}`);
  }
  const consentUrl = start.location;
  const toLogin = await browse(jar, consentUrl);
  let page = toLogin.text;
  if (toLogin.status === 303) {
    const login = new URL(toLogin.location!);
    const signedIn = await browse(jar, login.origin + login.pathname, {
      key: apiKey,
      next: login.searchParams.get("next") ?? "",
    });
    if (signedIn.location !== consentUrl) throw new Error(`sign-in went to ${signedIn.location}`);
    page = (await browse(jar, consentUrl)).text;
  }
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error(`no consent form: ${page.slice(0, 500)}`);
  const form = new URLSearchParams({ csrf, decision: options.decision ?? "approve" });
  for (const s of options.scopes ?? [...page.matchAll(/name="scope" value="([^"]+)"/g)].map((m) => m[1]!)) {
    form.append("scope", s);
  }
  let next = await browse(jar, consentUrl, undefined, form);
  // The provider resumes the authorization, then sends the browser back to the client.
  while (next.status >= 300 && next.status < 400 && !next.location!.startsWith(CALLBACK)) {
    next = await browse(jar, next.location!);
  }
  if (!next.location?.startsWith(CALLBACK)) {
    throw new Error(`consent did not return to the client: ${next.status} ${next.text.slice(0, 500)}`);
  }
  return { page, callback: new URL(next.location) };
}

/** A PKCE pair, computed here as RFC 7636 says, not by the code under test. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** Registers a public client by RFC 7591 and answers its client_id. */
export async function registerClient(base: string, name = "Raw client"): Promise<string> {
  const r = await fetch(`${base}/oauth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_name: name,
      application_type: "native",
      redirect_uris: [CALLBACK],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    }),
  });
  const body = (await r.json()) as { client_id?: string };
  if (r.status !== 201 || !body.client_id) throw new Error(`registration failed: ${JSON.stringify(body)}`);
  return body.client_id;
}

export function authorizationUrl(
  base: string,
  clientId: string,
  challenge: string,
  overrides: Record<string, string> = {},
): URL {
  const url = new URL(`${base}/oauth/authorize`);
  const params = {
    response_type: "code",
    client_id: clientId,
    redirect_uri: CALLBACK,
    scope: "crm:read crm:write offline_access",
    state: "st4te",
    code_challenge: challenge,
    code_challenge_method: "S256",
    resource: `${base}/mcp`,
    ...overrides,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url;
}

export async function tokenRequest(
  base: string,
  params: Record<string, string>,
): Promise<{ status: number; body: Record<string, string> }> {
  const r = await fetch(`${base}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
  });
  return { status: r.status, body: (await r.json()) as Record<string, string> };
}

/** Register, authorize with consent and exchange the code: a token of `scopes` for the key's user. */
export async function accessToken(
  base: string,
  apiKey: string,
  scopes = ["crm:read", "crm:write"],
): Promise<{ clientId: string; access: string; refresh: string }> {
  const clientId = await registerClient(base);
  const { verifier, challenge } = pkcePair();
  const url = authorizationUrl(base, clientId, challenge, { scope: [...scopes, "offline_access"].join(" ") });
  const { callback } = await consent(url, apiKey, { scopes });
  const code = callback.searchParams.get("code");
  if (!code) throw new Error(`no code: ${callback}`);
  const t = await tokenRequest(base, {
    grant_type: "authorization_code",
    code,
    redirect_uri: CALLBACK,
    client_id: clientId,
    code_verifier: verifier,
    resource: `${base}/mcp`,
  });
  if (t.status !== 200) throw new Error(`token request failed: ${JSON.stringify(t.body)}`);
  return { clientId, access: t.body.access_token!, refresh: t.body.refresh_token! };
}

/** One JSON-RPC call to /mcp with a bearer token, as a raw client sends it. */
export async function mcpCall(
  base: string,
  token: string,
  method: string,
  params: Record<string, unknown> = {},
): Promise<{ status: number; challenge: string | null; body: Record<string, unknown> }> {
  const r = await fetch(`${base}/mcp`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const text = await r.text();
  // A Streamable HTTP answer may come as one SSE event.
  const json = text.startsWith("{") ? text : (/^data: (.*)$/m.exec(text)?.[1] ?? "{}");
  return { status: r.status, challenge: r.headers.get("www-authenticate"), body: JSON.parse(json) };
}
