/**
 * The legacy SSE transport's sessions belong to the key that opened them: a POST to
 * /messages with another key, of another company or of another user of the same company,
 * is refused as if the session did not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer } from "../../src/http/server.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { accessToken } from "../support/oauth.js";
import { openSseSession } from "../support/sse.js";
import { until } from "../support/wait.js";

let t: TestApp;
let http: Awaited<ReturnType<typeof startHttpServer>>;
let key: string;
let sameCompanyKey: string;
let otherCompanyKey: string;

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
  http = await startHttpServer(t.app, { host: "127.0.0.1", port: 0 });
  key = (await t.app.tenants.createApiKey(t.owner, "owner")).key;
  const colleague = await t.app.tenants.createUser(t.owner, "Colleague");
  sameCompanyKey = (
    await t.app.tenants.createApiKey({ userId: colleague.id, companyId: t.owner.companyId }, "c")
  ).key;
  const other = await t.app.tenants.createCompany("Other", "Eve");
  otherCompanyKey = (await t.app.tenants.createApiKey(other, "other")).key;
});
afterAll(async () => {
  await http?.close();
  await t?.close();
});

const openSession = (apiKey: string) => openSseSession(http.url, apiKey);

function post(path: string, apiKey: string) {
  return fetch(`${http.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "ping" }),
  });
}

describe("SSE /messages (guard: the session's owner check)", () => {
  it("refuses a POST into a session opened with another company's key", async () => {
    const session = await openSession(key);
    try {
      const r = await post(session.endpoint, otherCompanyKey);
      expect(r.status).toBe(404);
      expect(((await r.json()) as { error: string }).error).toMatch(
        /Unknown sessionId: open a stream with GET \/sse/,
      );
    } finally {
      session.close();
    }
  });

  it("refuses a POST into a session opened by another user of the same company", async () => {
    const session = await openSession(key);
    try {
      expect((await post(session.endpoint, sameCompanyKey)).status).toBe(404);
    } finally {
      session.close();
    }
  });

  it("refuses a POST from the same user with a token of other scopes", async () => {
    const writer = (await accessToken(http.url, key, ["crm:read", "crm:write"])).access;
    const reader = (await accessToken(http.url, key, ["crm:read"])).access;
    const session = await openSession(writer);
    try {
      expect((await post(session.endpoint, reader)).status).toBe(404);
      // The opener's key sees the server's selection, not the token's: another reach too.
      expect((await post(session.endpoint, key)).status).toBe(404);
      expect((await post(session.endpoint, writer)).status).toBe(202);
    } finally {
      session.close();
    }
  });

  it("accepts the opener's own POST and answers on its stream", async () => {
    const session = await openSession(key);
    try {
      const r = await post(session.endpoint, key);
      expect(r.status).toBe(202);
      await until(() => session.events().includes('"id":7'), 5000, "the answer on the stream");
    } finally {
      session.close();
    }
  });

  it("refuses an unknown or missing sessionId", async () => {
    expect((await post("/messages?sessionId=not-a-session", key)).status).toBe(404);
    expect((await post("/messages", key)).status).toBe(404);
  });

  it("forgets a session once its stream closes", async () => {
    const session = await openSession(key);
    session.close();
    await until(
      async () => (await post(session.endpoint, key)).status === 404,
      5000,
      "the session to be gone",
    );
  });
});
