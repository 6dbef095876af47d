import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Configuration, KoaContextWithOIDC, default as Provider } from "oidc-provider";
import type { App } from "../../app.js";
import type { Actor } from "../../events/recorder.js";
import { storeAdapter } from "./adapter.js";
import { metadataFetch } from "./fetch-metadata.js";
import { SCOPE_NAMES } from "./scopes.js";

/** Lifetimes, in seconds. */
export const OAUTH_TTL = {
  accessToken: 60 * 60,
  refreshToken: 30 * 24 * 60 * 60,
  authorizationCode: 60,
  interaction: 10 * 60,
  session: 12 * 60 * 60,
  grant: 30 * 24 * 60 * 60,
};

export const CONSENT_PATH = "/oauth/consent/";

/** The provider's endpoints, all under /oauth/ so they never meet a UI route. */
const ROUTES = {
  authorization: "/oauth/authorize",
  token: "/oauth/token",
  registration: "/oauth/register",
  revocation: "/oauth/revoke",
  jwks: "/oauth/jwks",
  end_session: "/oauth/logout",
  userinfo: "/oauth/userinfo",
  introspection: "/oauth/introspect",
  pushed_authorization_request: "/oauth/par",
  backchannel_authentication: "/oauth/backchannel",
  code_verification: "/oauth/device",
  device_authorization: "/oauth/device/auth",
  challenge: "/oauth/challenge",
};

export interface TokenInfo {
  actor: Actor;
  scopes: string[];
  clientId: string;
}

export type TokenCheck = { ok: true; info: TokenInfo } | { ok: false; reason: string };

export interface OAuthServer {
  issuer: string;
  /** This server's MCP endpoint: the audience every access token must name. */
  resource: string;
  provider: Provider;
  /** Whether a path belongs to the authorization server or its metadata. */
  owns(path: string): boolean;
  /**
   * The paths the Protected Resource Metadata is served at: below this server, and at the
   * host's root in the form RFC 9728 builds from the resource (`/.well-known/oauth-protected-resource/crm/mcp`
   * for `https://host/crm/mcp`).
   */
  resourceMetadataPaths: ReadonlySet<string>;
  /**
   * Tells the provider the path prefix of the public URL that the proxy in front took off, so
   * that the addresses it builds from a request (endpoints, redirects, cookie paths) keep it.
   */
  mount(req: IncomingMessage): void;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** The Protected Resource Metadata document (RFC 9728). */
  resourceMetadata(): Record<string, unknown>;
  resourceMetadataUrl: string;
  verify(token: string): Promise<TokenCheck>;
}

interface ProviderSecrets {
  cookieKeys: string[];
  jwks: { keys: Record<string, unknown>[] };
}

const SECRETS_MODEL = "ProviderSecrets";

/**
 * The keys that sign the provider's cookies (and, were it ever to issue one, an ID token),
 * made once and kept in the store, so that every node of a deployment shares them.
 */
async function providerSecrets(app: App): Promise<ProviderSecrets> {
  return app.store.write(async (tx) => {
    const row = await tx.oauth.find(SECRETS_MODEL, "keys", Date.now());
    if (row) return JSON.parse(row.payload) as ProviderSecrets;
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const secrets: ProviderSecrets = {
      cookieKeys: [randomBytes(32).toString("base64url")],
      jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), use: "sig", alg: "ES256" }] },
    };
    await tx.oauth.upsert({
      model: SECRETS_MODEL,
      key: "keys",
      uid: null,
      grantId: null,
      userId: null,
      clientId: null,
      payload: JSON.stringify(secrets),
      expiresAt: null,
      consumedAt: null,
    });
    return secrets;
  });
}

export interface OAuthOptions {
  /** Where clients reach this server: `CRM_PUBLIC_URL`, or the loopback address it listens on. */
  baseUrl: string;
  /** Trust X-Forwarded-Proto/Host from the TLS reverse proxy in front. */
  behindProxy: boolean;
  /** An extra CA trusted when fetching client metadata documents (tests). */
  ca?: string;
  /** Where the provider's own notices go (it writes them to the console otherwise, stdout included). */
  notice?: (line: string) => void;
}

/**
 * Runs `work` with the console's warn and info sent to `notice`: oidc-provider prints its
 * notices there (info to stdout), and our logs are JSON lines on stderr.
 */
async function withNotices<T>(notice: (line: string) => void, work: () => Promise<T>): Promise<T> {
  const { warn, info } = console;
  console.warn = console.info = (...args: unknown[]) => notice(args.map(String).join(" "));
  try {
    return await work();
  } finally {
    console.warn = warn;
    console.info = info;
  }
}

/**
 * The authorization server (oidc-provider) and the resource server's token check. Tokens,
 * codes, grants and registered clients live in the store, found by their hash.
 */
export async function createOAuthServer(app: App, options: OAuthOptions): Promise<OAuthServer> {
  const issuer = options.baseUrl;
  const resource = `${issuer}/mcp`;
  // `https://host/crm` behind a proxy that takes `/crm` off: every address handed out carries it.
  const prefix = new URL(issuer).pathname.replace(/\/+$/, "");
  // Loaded only where OAuth is served: stdio and API-key-only servers never load it. On Node
  // 20 it notes that it prefers 22; it runs on 20 (the tests do).
  const { default: Provider, errors } = await withNotices(
    options.notice ?? (() => undefined),
    () => import("oidc-provider"),
  );
  const secrets = await providerSecrets(app);

  const configuration: Configuration = {
    adapter: storeAdapter(app.store),
    clients: [],
    cookies: { keys: secrets.cookieKeys },
    jwks: secrets.jwks as Configuration["jwks"],
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    // Listed here too so that clients may register with them (RFC 7591 `scope`); a consent
    // grants each both as the provider's and as the resource's, and tokens carry the resource's.
    scopes: [...SCOPE_NAMES, "offline_access"],
    responseTypes: ["code"],
    pkce: { required: () => true },
    // Public clients with PKCE, the way MCP clients connect: no shared secrets to store.
    clientAuthMethods: ["none"],
    // Browser-based MCP clients call the token endpoint from their own origin.
    clientBasedCORS: () => true,
    clientDefaults: {
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      // The one signing key is an EC key; no ID token is issued (no `openid` scope) all the same.
      id_token_signed_response_alg: "ES256",
    },
    routes: ROUTES,
    ttl: {
      AccessToken: OAUTH_TTL.accessToken,
      AuthorizationCode: OAUTH_TTL.authorizationCode,
      RefreshToken: OAUTH_TTL.refreshToken,
      Interaction: OAUTH_TTL.interaction,
      Session: OAUTH_TTL.session,
      Grant: OAUTH_TTL.grant,
      IdToken: OAUTH_TTL.accessToken,
    },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    expiresWithSession: async () => false,
    interactions: { url: (_ctx, interaction) => `${prefix}${CONSENT_PATH}${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true, initialAccessToken: false },
      revocation: {
        enabled: true,
        // A client revokes its own tokens only.
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      introspection: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resource) {
            throw new errors.InvalidTarget(`this server issues tokens for ${resource} only`);
          }
          return {
            scope: SCOPE_NAMES.join(" "),
            audience: resource,
            accessTokenTTL: OAUTH_TTL.accessToken,
            accessTokenFormat: "opaque",
          };
        },
      },
      clientIdMetadataDocument: { enabled: true, ack: "draft-02" },
    } as Configuration["features"],
    fetch: metadataFetch({ allowPrivate: app.config.allowPrivate, ca: options.ca }) as never,
    renderError: async (ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }) => {
      ctx.type = "text/html; charset=utf-8";
      const text = (s: unknown) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorization error</title></head><body><h1>Authorization error</h1><p><strong>${text(out.error)}</strong>: ${text(out.error_description)}</p></body></html>`;
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.proxy = options.behindProxy;
  const callback = provider.callback();

  const resourceMetadataUrl = `${issuer}/.well-known/oauth-protected-resource/mcp`;
  const resourceMetadataPaths = new Set([
    "/.well-known/oauth-protected-resource",
    "/.well-known/oauth-protected-resource/mcp",
    `/.well-known/oauth-protected-resource${prefix}/mcp`,
  ]);
  // The authorization server's metadata: below this server, and (RFC 8414, for an issuer with
  // a path) at the host's root with the path after the well-known name.
  const metadataPaths = new Map<string, string>();
  for (const name of ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"]) {
    metadataPaths.set(name, name);
    if (prefix) metadataPaths.set(`${name}${prefix}`, name);
  }
  const mount = (req: IncomingMessage) => {
    // oidc-provider takes the part of `originalUrl` before `url` as where it is mounted.
    if (prefix)
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = `${prefix}${req.url ?? "/"}`;
  };
  return {
    issuer,
    resource,
    provider,
    resourceMetadataUrl,
    resourceMetadataPaths,
    mount,
    owns(path) {
      return (path.startsWith("/oauth/") && !path.startsWith(CONSENT_PATH)) || metadataPaths.has(path);
    },
    async handle(req, res) {
      const url = new URL(req.url ?? "/", "http://localhost");
      const metadata = metadataPaths.get(url.pathname);
      // RFC 8414's name for the document oidc-provider serves as OpenID discovery.
      if (metadata) req.url = `/.well-known/openid-configuration${url.search}`;
      mount(req);
      await callback(req, res);
    },
    resourceMetadata() {
      return {
        resource,
        authorization_servers: [issuer],
        scopes_supported: SCOPE_NAMES,
        bearer_methods_supported: ["header"],
        resource_name: "crm-mcp",
      };
    },
    async verify(token) {
      if (token.length > 512) return { ok: false, reason: "the access token is too long" };
      const found = await provider.AccessToken.find(token);
      if (!found || found.isExpired) {
        return { ok: false, reason: "the access token is unknown, expired or revoked" };
      }
      const audience = Array.isArray(found.aud) ? found.aud : [found.aud];
      if (!audience.includes(resource)) {
        return { ok: false, reason: `the access token was issued for another resource, not ${resource}` };
      }
      const user = found.accountId ? await app.tenants.userById(found.accountId) : undefined;
      if (!user) return { ok: false, reason: "the access token's user no longer exists" };
      return {
        ok: true,
        info: {
          actor: { userId: user.id, companyId: user.companyId },
          scopes: (found.scope ?? "").split(" ").filter(Boolean),
          clientId: found.clientId ?? "",
        },
      };
    },
  };
}
