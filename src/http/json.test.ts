import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { isHotlineError } from "../record/mod.js";
import { checkJsonSize, parseBoundedJson, useBoundedJson } from "./json.js";
import { answerErrors } from "./status.js";

const codeOf = (f: () => unknown): string => {
  try {
    f();
    return "ok";
  } catch (error) {
    return isHotlineError(error) ? error.code : "thrown";
  }
};
const limits = { maxDepth: 4, maxMembers: 5, maxItems: 6 };

describe("checkJsonSize()", () => {
  it("refuses nesting deeper than the limit with TOO_COMPLEX, and accepts the limit itself", () => {
    expect(codeOf(() => checkJsonSize("[[[[1]]]]", limits))).toBe("ok");
    expect(codeOf(() => checkJsonSize("[[[[[1]]]]]", limits))).toBe("TOO_COMPLEX");
    expect(codeOf(() => checkJsonSize('{"a":{"b":{"c":{"d":{}}}}}', limits))).toBe("TOO_COMPLEX");
    expect(codeOf(() => checkJsonSize("[".repeat(100_000)))).toBe("TOO_COMPLEX");
  });

  it("refuses more members or items than the limits with TOO_COMPLEX", () => {
    expect(codeOf(() => checkJsonSize('{"a":1,"b":2,"c":3,"d":4,"e":5}', limits))).toBe("ok");
    expect(codeOf(() => checkJsonSize('{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}', limits))).toBe("TOO_COMPLEX");
    expect(codeOf(() => checkJsonSize("[1,2,3,4,5,6]", limits))).toBe("ok");
    expect(codeOf(() => checkJsonSize("[1,2,3,4,5,6,7]", limits))).toBe("TOO_COMPLEX");
    const keys = `{${Array.from({ length: 100_001 }, (_, i) => `"k${i}":0`).join(",")}}`;
    expect(codeOf(() => checkJsonSize(keys))).toBe("TOO_COMPLEX");
  });

  it("counts nothing inside strings: braces, colons, commas and escaped quotes", () => {
    const tricky = JSON.stringify({ a: '[[[[[{{{{,,,,,,,:::::::"\\"]]]', b: ["\\", '"', "}"] });
    expect(codeOf(() => checkJsonSize(tricky, limits))).toBe("ok");
    expect(parseBoundedJson(tricky, limits)).toEqual(JSON.parse(tricky));
  });
});

describe("parseBoundedJson()", () => {
  it("gives valid documents back unchanged", () => {
    for (const value of [{ a: [1, { b: null }], c: "x" }, [], "text", 3.5, null, { "": { "": [] } }]) {
      expect(parseBoundedJson(JSON.stringify(value))).toEqual(value);
    }
  });

  it("refuses __proto__ and constructor.prototype keys, escaped or not, with SCHEMA", () => {
    expect(codeOf(() => parseBoundedJson('{"a":{"__proto__":{"admin":true}}}'))).toBe("SCHEMA");
    expect(codeOf(() => parseBoundedJson('[{"\\u005f_proto__":{}}]'))).toBe("SCHEMA");
    expect(codeOf(() => parseBoundedJson('{"constructor":{"prototype":{"x":1}}}'))).toBe("SCHEMA");
    expect(codeOf(() => parseBoundedJson('{"constructor":"a name","text":"__proto__"}'))).toBe("ok");
    expect(codeOf(() => parseBoundedJson("{"))).toBe("SCHEMA");
  });
});

describe("useBoundedJson()", () => {
  it("answers too deep or too big bodies 400 TOO_COMPLEX and takes valid ones", async () => {
    const app = Fastify();
    useBoundedJson(app, { maxDepth: 8 });
    answerErrors(app);
    app.post("/echo", async (request) => ({ got: request.body }));
    const post = (payload: string) =>
      app.inject({ method: "POST", url: "/echo", headers: { "content-type": "application/json" }, payload });
    const refusal = (r: { statusCode: number; json: () => unknown }) => [
      r.statusCode,
      (r.json() as { error: { code: string } }).error.code,
    ];
    const ok = await post('{"a":[1,2]}');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ got: { a: [1, 2] } });
    const deep = await post(`${"[".repeat(9)}${"]".repeat(9)}`);
    expect(refusal(deep)).toEqual([400, "TOO_COMPLEX"]);
    const poisoned = await post('{"__proto__":{"x":1}}');
    expect(refusal(poisoned)).toEqual([400, "SCHEMA"]);
    const empty = await post("");
    expect(refusal(empty)).toEqual([400, "SCHEMA"]);
    const charset = await app.inject({
      method: "POST",
      url: "/echo",
      headers: { "content-type": "application/json; charset=utf-8" },
      payload: "[1]",
    });
    expect(charset.json()).toEqual({ got: [1] });
    await app.close();
  });
});
