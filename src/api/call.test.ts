import { describe, expect, it } from "vitest";
import { requestOf, typedCall, type HttpRequest } from "./call.js";

describe("the typed call", () => {
  it("fills the path's parameters, encoded, and appends the query without its unset fields", () => {
    expect(requestOf("GET /api/lines/:line/log", { params: { line: "night watch/ä" } })).toEqual({
      method: "GET",
      path: "/api/lines/night%20watch%2F%C3%A4/log",
    });
    expect(requestOf("GET /api/conflicts", { query: { line: "a&b" } }).path).toBe(
      "/api/conflicts?line=a%26b",
    );
    expect(requestOf("GET /api/conflicts", { query: { line: undefined } }).path).toBe("/api/conflicts");
    expect(
      requestOf("POST /api/readouts/:readout/marks", {
        params: { readout: "abc" },
        body: { point: 1, verdict: "agreed" },
      }),
    ).toEqual({ method: "POST", path: "/api/readouts/abc/marks", body: { point: 1, verdict: "agreed" } });
  });

  it("sends what the route's key and input say, and resolves with the answer", async () => {
    const sent: HttpRequest[] = [];
    const call = typedCall(async (request) => {
      sent.push(request);
      return { removed: "harbour" };
    });
    expect(await call("DELETE /api/zones/:name", { params: { name: "harbour" } })).toEqual({
      removed: "harbour",
    });
    expect(sent).toEqual([{ method: "DELETE", path: "/api/zones/harbour" }]);
  });

  it("a route that is not in the contract, or an input of the wrong shape, does not compile", () => {
    const call = typedCall(async () => ({}));
    // Not run: these lines are the test, checked by the typecheck that `npm test` runs.
    const _unused = () => {
      // @ts-expect-error no such route
      void call("GET /api/lines/:line/transcript", { params: { line: "x" } });
      // @ts-expect-error the log route needs its line
      void call("GET /api/lines/:line/log");
      // @ts-expect-error a message's text is a string
      void call("POST /api/lines/:line/messages", { params: { line: "x" }, body: { text: 1 } });
    };
    expect(typeof _unused).toBe("function");
  });
});
