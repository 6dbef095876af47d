import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "../../src/config.js";
import { oauthRefusal, startHttpServer } from "../../src/http/server.js";
import { openTestApp, type TestApp } from "../support/app.js";

let t: TestApp;

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
});
afterAll(async () => {
  await t?.close();
});

describe("OAuth needs HTTPS off loopback", () => {
  it("is served on loopback without CRM_PUBLIC_URL, and anywhere with an https one", () => {
    expect(oauthRefusal("127.0.0.1", undefined)).toBeNull();
    expect(oauthRefusal("::1", undefined)).toBeNull();
    expect(oauthRefusal("localhost", "http://localhost:3000")).toBeNull();
    expect(oauthRefusal("0.0.0.0", "https://crm.example.com")).toBeNull();
    expect(oauthRefusal("127.0.0.1", "https://crm.example.com")).toBeNull();
  });

  it("is refused on a non-loopback host without https, and on loopback behind a plain-http public URL", () => {
    for (const [host, url] of [
      ["0.0.0.0", undefined],
      ["192.168.1.5", "http://192.168.1.5:3000"],
      ["127.0.0.1", "http://crm.example.com"],
    ] as const) {
      expect(oauthRefusal(host, url), `${host} ${url}`).toMatch(
        /^OAuth needs HTTPS when serving on .*: set CRM_PUBLIC_URL=https:\/\/.* or CRM_OAUTH=0/,
      );
    }
  });

  it("refuses to start with one line naming the fix, and starts with OAuth off", async () => {
    const refused = startHttpServer(t.app, { host: "0.0.0.0", port: 0 });
    await expect(refused).rejects.toThrow(ConfigError);
    await expect(refused).rejects.toThrow(/set CRM_PUBLIC_URL=https:/);
    const open = await startHttpServer(t.app, { host: "0.0.0.0", port: 0, oauth: false });
    try {
      const base = open.url.replace("0.0.0.0", "127.0.0.1");
      expect((await fetch(`${base}/.well-known/oauth-protected-resource`)).status).toBe(404);
      const r = await fetch(`${base}/mcp`, { method: "POST" });
      expect(r.headers.get("www-authenticate")).toBe('Bearer realm="crm-mcp"');
    } finally {
      await open.close();
    }
  });

  it("names the https public URL as issuer and resource behind a proxy", async () => {
    const app = { ...t.app, config: { ...t.app.config, publicUrl: "https://crm.example.com" } };
    const s = await startHttpServer(app, { host: "0.0.0.0", port: 0 });
    try {
      const base = s.url.replace("0.0.0.0", "127.0.0.1");
      const prm = (await (await fetch(`${base}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<
        string,
        unknown
      >;
      expect(prm).toMatchObject({
        resource: "https://crm.example.com/mcp",
        authorization_servers: ["https://crm.example.com"],
      });
      const as = (await (
        await fetch(`${base}/.well-known/oauth-authorization-server`, {
          headers: { "x-forwarded-proto": "https", "x-forwarded-host": "crm.example.com" },
        })
      ).json()) as Record<string, unknown>;
      expect(as.issuer).toBe("https://crm.example.com");
      expect(as.token_endpoint).toBe("https://crm.example.com/oauth/token");
    } finally {
      await s.close();
    }
  });

  it("reads CRM_OAUTH as on or off, and refuses anything else", () => {
    expect(readConfig({ CRM_OAUTH: "0" }).oauth).toBe(false);
    expect(readConfig({ CRM_OAUTH: "1" }).oauth).toBe(true);
    expect(readConfig({}).oauth).toBeUndefined();
    expect(() => readConfig({ CRM_OAUTH: "maybe" })).toThrow(/CRM_OAUTH must be 1 or 0/);
  });
});
