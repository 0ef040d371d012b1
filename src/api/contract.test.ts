import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Fastify from "fastify";
import { z } from "zod";
import { tempDir, type TempDir } from "../../test/helpers/cli.js";
import { startStation, type RunningStation } from "../cli/runtime.js";
import { freeLoopbackPort, initStation } from "../station/mod.js";
import { answerErrors } from "../http/mod.js";
import { contract } from "./contract/mod.js";
import { checkedAnswers } from "./route.js";

interface OpenApiSchema {
  type?: string;
  properties?: Record<string, unknown>;
  items?: OpenApiSchema;
  anyOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
}
type Responses = Record<string, { content?: Record<string, { schema?: OpenApiSchema }> }>;

/** Routes whose success is not a JSON object: sign-out (204), the event stream, the export. */
const NOT_JSON_OBJECTS = new Set(["DELETE /api/session", "GET /api/events", "GET /api/lines/:line/export"]);

/** Whether an answer schema says what its fields are (an object's, or each array item's, or each variant's). */
function describesFields(schema: OpenApiSchema | undefined): boolean {
  if (schema === undefined) return false;
  if (schema.properties !== undefined && Object.keys(schema.properties).length > 0) return true;
  if (schema.type === "array") return describesFields(schema.items);
  const variants = schema.anyOf ?? schema.oneOf;
  return variants !== undefined && variants.every(describesFields);
}

describe("the operator API's contract", () => {
  let tmp: TempDir;
  let running: RunningStation;

  beforeAll(async () => {
    tmp = tempDir("hotline-contract-");
    await initStation({
      dir: tmp.join("station"),
      name: "Washington",
      listen: `127.0.0.1:${await freeLoopbackPort()}`,
      api: `127.0.0.1:${await freeLoopbackPort()}`,
    });
    running = await startStation({ dir: tmp.join("station") });
  });

  afterAll(async () => {
    await running.stop();
    tmp.remove();
  });

  it("OpenAPI at /api/docs documents every route's answer: its fields, and the error shape", async () => {
    const answer = await running.api.inject({
      method: "GET",
      url: "/api/docs/json",
      headers: { host: new URL(running.apiUrl).host },
    });
    expect(answer.statusCode).toBe(200);
    const document = answer.json<{ paths: Record<string, Record<string, { responses: Responses }>> }>();
    const keys = Object.keys(contract);
    expect(keys.length).toBeGreaterThan(50);
    for (const key of keys) {
      const [method = "", url = ""] = key.split(" ");
      const path = url.replace(/:([A-Za-z]+)/g, "{$1}");
      const responses = document.paths[path]?.[method.toLowerCase()]?.responses;
      expect(responses, `${key} is documented`).toBeDefined();
      const error = responses?.["4XX"]?.content?.["application/json"]?.schema;
      expect(error?.properties, `${key} documents its error answer`).toHaveProperty("error");
      if (NOT_JSON_OBJECTS.has(key)) continue;
      const success = responses?.["200"] ?? responses?.["201"];
      const schema = success?.content?.["application/json"]?.schema;
      expect(describesFields(schema), `${key} documents the fields of its answer`).toBe(true);
    }
  });

  it("every route of the contract is served", () => {
    for (const key of Object.keys(contract)) {
      const [method = "", url = ""] = key.split(" ");
      expect(running.api.hasRoute({ method, url }), `${key} is served`).toBe(true);
    }
  });
});

describe("answers checked against their schema", () => {
  it("an answer that does not match its route's schema is a 500 INTERNAL, never sent as it is", async () => {
    const app = Fastify();
    app.setSerializerCompiler(checkedAnswers);
    answerErrors(app);
    const schema = { response: { 200: z.object({ id: z.string() }) } };
    app.get("/good", { schema }, async () => ({ id: "a" }));
    app.get("/bad", { schema }, async () => ({ id: 7 }));
    const good = await app.inject({ method: "GET", url: "/good" });
    expect(good.json()).toEqual({ id: "a" });
    const bad = await app.inject({ method: "GET", url: "/bad" });
    expect(bad.statusCode).toBe(500);
    expect(bad.json()).toMatchObject({ error: { code: "INTERNAL" } });
    expect(bad.body).toContain("GET /bad");
    await app.close();
  });

  it("a field the schema does not name is sent all the same: answers go out as the station made them", async () => {
    const app = Fastify();
    app.setSerializerCompiler(checkedAnswers);
    app.get("/more", { schema: { response: { 200: z.object({ id: z.string() }) } } }, async () => ({
      id: "a",
      extra: 1,
    }));
    expect((await app.inject({ method: "GET", url: "/more" })).json()).toEqual({ id: "a", extra: 1 });
    await app.close();
  });
});
