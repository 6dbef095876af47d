import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Validator } from "@seriousme/openapi-schema-validator";
import openapiTS, { astToString } from "openapi-typescript";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../src/http/api/openapi.js";
import { ROUTES } from "../../src/http/api/routes.js";

/** The client types the REST tests use, made from the document; `npm run api:types` rewrites them. */
const TYPES = fileURLToPath(new URL("./openapi.gen.ts", import.meta.url));

const HEADER =
  "// Made by `npm run api:types` from /api/v1/openapi.json; test/api/openapi.test.ts checks it.\n";

async function typesOf(document: Record<string, unknown>): Promise<string> {
  return HEADER + astToString(await openapiTS(document as never));
}

describe("OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const document = openApiDocument();
    expect(document.openapi).toBe("3.1.0");
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("the validator refuses a broken document, so its verdict above means something", async () => {
    const document = structuredClone(openApiDocument()) as { paths: Record<string, Record<string, unknown>> };
    (document.paths["/contacts"]!.post as Record<string, unknown>).responses = "none";
    expect((await new Validator().validate(document as never)).valid).toBe(false);
  });

  it("has one operation per route, each with a unique operationId", () => {
    const document = openApiDocument() as { paths: Record<string, Record<string, { operationId: string }>> };
    const ids = Object.values(document.paths).flatMap((p) => Object.values(p).map((op) => op.operationId));
    expect(ids).toHaveLength(ROUTES.length);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("every path is in the README's REST API section (contacts standing for the five types)", () => {
    const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");
    const section = readme.split("## REST API\n")[1]!.split("\n## ")[0]!;
    const paths = new Set(
      ROUTES.map((r) => r.path.replace(/^\/(organizations|deals|services|tasks)(?=\/|$)/, "/contacts")),
    );
    for (const path of paths)
      expect(section, path).toMatch(new RegExp(`${path.replace(/[{}?]/g, "\\$&")}[\\s\`?(]`));
  });

  it("matches the client types the REST tests are written against", async () => {
    const made = await typesOf(openApiDocument());
    if (process.env.CRM_UPDATE_API_TYPES === "1") writeFileSync(TYPES, made);
    // A route or schema changed without `npm run api:types`: the tests' client would be stale.
    expect(readFileSync(TYPES, "utf8")).toBe(made);
  });
});
