import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer } from "../../src/http/server.js";
import { openTestApp, type TestApp } from "../support/app.js";
import {
  authorizationUrl,
  browse,
  CALLBACK,
  CookieJar,
  pkcePair,
  registerClient,
  tokenRequest,
} from "../support/oauth.js";

let t: TestApp;
let http: Awaited<ReturnType<typeof startHttpServer>>;
let key: string;

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
  http = await startHttpServer(t.app, { host: "127.0.0.1", port: 0 });
  key = (await t.app.tenants.createApiKey(t.owner, "browser")).key;
});
afterAll(async () => {
  await http?.close();
  await t?.close();
});

/**
 * One authorization in a browser that keeps its cookies between runs, so the second run
 * meets the grant of the first: consent with `ticked`, exchange the code, answer the
 * token's scope.
 */
async function authorize(
  jar: CookieJar,
  clientId: string,
  ticked: string[],
  prompt?: string,
): Promise<string> {
  const { verifier, challenge } = pkcePair();
  const url = authorizationUrl(http.url, clientId, challenge, prompt ? { prompt } : {});
  let step = await browse(jar, String(url));
  while (
    step.status === 303 &&
    !step.location!.startsWith(CALLBACK) &&
    !step.location!.includes("/oauth/consent/")
  ) {
    step = await browse(jar, step.location!);
  }
  expect(step.location).toContain("/oauth/consent/");
  const consentUrl = step.location!;
  let page = await browse(jar, consentUrl);
  if (page.status === 303) {
    const login = new URL(page.location!);
    await browse(jar, login.origin + login.pathname, { key, next: login.searchParams.get("next") ?? "" });
    page = await browse(jar, consentUrl);
  }
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1];
  expect(csrf, page.text.slice(0, 300)).toBeTruthy();
  const form = new URLSearchParams({ csrf: csrf!, decision: "approve" });
  for (const s of ticked) form.append("scope", s);
  let next = await browse(jar, consentUrl, undefined, form);
  while (next.status >= 300 && next.status < 400 && !next.location!.startsWith(CALLBACK)) {
    next = await browse(jar, next.location!);
  }
  const code = new URL(next.location!).searchParams.get("code");
  expect(code, next.location ?? next.text.slice(0, 300)).toBeTruthy();
  const tok = await tokenRequest(http.url, {
    grant_type: "authorization_code",
    code: code!,
    redirect_uri: CALLBACK,
    client_id: clientId,
    code_verifier: verifier,
    resource: `${http.url}/mcp`,
  });
  expect(tok.status, JSON.stringify(tok.body)).toBe(200);
  return tok.body.scope ?? "";
}

describe("consent given again", () => {
  it("narrows the app to the scopes ticked the second time", async () => {
    const jar = new CookieJar();
    const clientId = await registerClient(http.url, "Narrowed app");
    const first = await authorize(jar, clientId, ["crm:read", "crm:write"]);
    expect(first.split(" ")).toEqual(expect.arrayContaining(["crm:read", "crm:write"]));
    const second = await authorize(jar, clientId, ["crm:read"], "consent");
    expect(second.split(" ")).toContain("crm:read");
    expect(second.split(" ")).not.toContain("crm:write");
  });

  it("widens it again when a scope refused before is ticked", async () => {
    const jar = new CookieJar();
    const clientId = await registerClient(http.url, "Widened app");
    const first = await authorize(jar, clientId, ["crm:read"]);
    expect(first.split(" ")).not.toContain("crm:write");
    const second = await authorize(jar, clientId, ["crm:read", "crm:write"], "consent");
    expect(second.split(" ")).toEqual(expect.arrayContaining(["crm:read", "crm:write"]));
  });
});
