import { existsSync, readFileSync } from "node:fs";
import { request as httpRequest, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import fc from "fast-check";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  declaredRoutes,
  isPublic,
  isScrape,
  publicRoutes,
  requireDeclaredAccess,
} from "../../src/api/access.js";
import { runningStation } from "../../src/api/client.js";
import { startStation, type RunningStation } from "../../src/cli/runtime.js";
import { HotlineError } from "../../src/record/mod.js";
import { addOperator, freeLoopbackPort, initStation, stationPaths } from "../../src/station/mod.js";
import { tempDir, type TempDir } from "../helpers/cli.js";
import { square } from "../helpers/volumes.js";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends a request with its path exactly as given (fetch and URL would normalise it first, which
 * is precisely what an attacker does not do).
 */
function raw(
  port: number,
  method: string,
  path: string,
  options: { headers?: OutgoingHttpHeaders; body?: string; https?: boolean } = {},
): Promise<Answer> {
  const send = options.https === true ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        agent: false,
        rejectUnauthorized: false,
        headers: {
          host: `127.0.0.1:${port}`,
          ...(options.body === undefined ? {} : { "content-length": Buffer.byteLength(options.body) }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

const codeOf = (answer: Answer): string | undefined => {
  try {
    return (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
};

/**
 * The operator API as an attacker meets it: a local process without the token, a page in the
 * operator's browser (foreign Origin, DNS rebinding), paths the router decodes differently from
 * how they are written. Every route is tried; none answers without credentials.
 */
describe("the operator API denies by default", () => {
  let tmp: TempDir;
  let running: RunningStation;
  let port: number;
  let token: string;
  let line: string;
  let cookie: string;
  let csrf: string;
  let origin: string;
  let kimPassword: string;

  const withToken = (operator?: string): OutgoingHttpHeaders => ({
    authorization: `Bearer ${token}`,
    ...(operator === undefined ? {} : { "x-hotline-operator": operator }),
  });
  const json = (value: unknown) => ({
    headers: { "content-type": "application/json" },
    body: JSON.stringify(value),
  });

  beforeAll(async () => {
    tmp = tempDir("hotline-hostile-api-");
    port = await freeLoopbackPort();
    const dir = tmp.join("washington");
    await initStation({
      dir,
      name: "Washington",
      listen: `127.0.0.1:${await freeLoopbackPort()}`,
      api: `127.0.0.1:${port}`,
    });
    running = await startStation({ dir });
    token = readFileSync(tmp.join("washington", "api.token"), "utf8").trim();
    origin = `http://127.0.0.1:${port}`;
    kimPassword = (await addOperator(running.station, { name: "kim", role: "officer", by: "admin" }))
      .password;
    await addOperator(running.station, { name: "sam", role: "supervisor", by: "admin" });
    line = (await running.station.createLine({ name: "night watch", operator: "admin" })).id;
    await running.station.suspendLine({ line, suspend: true, reason: "drill", operator: "admin" });
    const signedIn = await raw(
      port,
      "POST",
      "/api/session",
      json({ operator: "kim", password: kimPassword }),
    );
    expect(signedIn.status).toBe(200);
    cookie = String(signedIn.headers["set-cookie"]).split(";")[0] ?? "";
    csrf = (JSON.parse(signedIn.body) as { csrf: string }).csrf;
  });

  afterAll(async () => {
    await running.stop();
    tmp.remove();
  });

  const suspended = async () =>
    (await running.station.lines()).find((l) => l.id === line)?.suspended !== null;

  it("every route declares who may call it; only the sign-in page's, the docs and the console's files are public", () => {
    const routes = declaredRoutes(running.api);
    expect(routes.length).toBeGreaterThan(50);
    const publicApi = routes
      .filter((r) => isPublic(r.access) && r.url.startsWith("/api") && !r.url.startsWith("/api/docs"))
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(publicApi).toEqual([
      "GET /api/session",
      "GET /api/station",
      "HEAD /api/session",
      "HEAD /api/station",
      "POST /api/session",
    ]);
    // Outside /api only the console's files and the probes, all public, and /metrics (its own
    // token); all read-only.
    for (const r of routes.filter((r) => !r.url.startsWith("/api"))) {
      expect(["GET", "HEAD"]).toContain(r.method);
      expect({ url: r.url, public: isPublic(r.access) }).toEqual({
        url: r.url,
        public: r.url !== "/metrics",
      });
    }
    expect(routes.filter((r) => isScrape(r.access)).map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET /metrics",
      "HEAD /metrics",
    ]);
  });

  it("every route that is not public answers 401 UNAUTHORIZED without a token or a session", async () => {
    const routes = declaredRoutes(running.api).filter((r) => !isPublic(r.access));
    for (const route of routes) {
      const path = route.url.replace(/:[a-z]+/g, "1");
      const hasBody = !["GET", "HEAD", "DELETE"].includes(route.method);
      const answer = await raw(port, route.method, path, hasBody ? json({}) : {});
      expect({ route: `${route.method} ${route.url}`, status: answer.status }).toEqual({
        route: `${route.method} ${route.url}`,
        status: 401,
      });
      if (route.method !== "HEAD") expect(codeOf(answer)).toBe("UNAUTHORIZED");
    }
  });

  it("a route without an access declaration stops the API from starting", async () => {
    const app = Fastify();
    requireDeclaredAccess(app);
    expect(() => app.get("/api/secrets", async () => "all of them")).toThrow(HotlineError);
    expect(() => app.get("/api/secrets", async () => "all of them")).toThrow(/does not declare/);
    await publicRoutes(app, (docs) =>
      docs.register(async (inner) => inner.get("/api/docs/x", async () => 1)),
    );
    await app.ready();
    expect(declaredRoutes(app).map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET /api/docs/x",
      "HEAD /api/docs/x",
    ]);
    await app.close();
  });

  it("paths written oddly are refused with BAD_PATH or not found, with or without the token", async () => {
    const cases: [string, number][] = [
      ["/%61pi/operators", 400],
      ["/api/%6fperators", 400],
      ["/api/%6Fperators", 400],
      ["//api/operators", 400],
      ["/api//operators", 400],
      ["/api/./operators", 400],
      ["/api/../api/operators", 400],
      ["/api/%2e%2e/api/operators", 400],
      ["/api%2Foperators", 400],
      ["/api%2foperators", 400],
      ["/api\\operators", 400],
      ["/api/operators%00", 400],
      ["/api/lines/%E0%A4%A/log", 400],
      ["/API/operators", 404],
      ["/Api/operators", 404],
      ["/api/operators/", 404],
      ["/api", 404],
    ];
    for (const [path, status] of cases) {
      for (const headers of [{}, withToken()]) {
        const answer = await raw(port, "GET", path, { headers });
        expect({ path, status: answer.status }).toEqual({ path, status });
        expect(codeOf(answer)).toBe(status === 400 ? "BAD_PATH" : "NOT_FOUND");
        expect(answer.body).not.toContain("admin");
      }
    }
  });

  it("names with spaces and other escaped characters still work", async () => {
    const answer = await raw(port, "GET", "/api/lines/night%20watch/log", { headers: withToken() });
    expect(answer.status).toBe(200);
  });

  it("an encoded path does not install a hook that runs a command", async () => {
    const marker = tmp.join("pwned");
    const hook = { severity: "info", command: ["/bin/sh", "-c", `touch ${marker}`] };
    for (const path of ["/%61pi/hooks", "/api/%68ooks", "//api/hooks", "/api/./hooks"]) {
      const answer = await raw(port, "POST", path, json(hook));
      expect(answer.status).toBe(400);
      expect(codeOf(answer)).toBe("BAD_PATH");
    }
    const hooks = await raw(port, "GET", "/api/hooks", { headers: withToken() });
    expect(JSON.parse(hooks.body)).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  });

  it("a request addressed to another host name (DNS rebinding) is refused with 421 BAD_HOST", async () => {
    for (const host of [
      `evil.example:${port}`,
      "evil.example",
      `127.0.0.1:${port + 1}`,
      `127.0.0.1.evil.example:${port}`,
    ]) {
      const answer = await raw(port, "GET", "/api/status", { headers: { ...withToken(), host } });
      expect({ host, status: answer.status, code: codeOf(answer) }).toEqual({
        host,
        status: 421,
        code: "BAD_HOST",
      });
    }
    const noToken = await raw(port, "GET", "/api/station", { headers: { host: `rebind.example:${port}` } });
    expect(codeOf(noToken)).toBe("BAD_HOST");
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      const answer = await raw(port, "GET", "/api/status", { headers: { ...withToken(), host } });
      expect({ host, status: answer.status }).toEqual({ host, status: 200 });
    }
  });

  it("a console write from a foreign page, or one that cannot show it is not, is refused with BAD_ORIGIN", async () => {
    const send = (headers: OutgoingHttpHeaders) =>
      raw(port, "POST", `/api/lines/${line}/messages`, {
        headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json", ...headers },
        body: JSON.stringify({ text: "from a web page" }),
      });
    for (const headers of [
      { origin: "http://evil.example" },
      { origin: `http://127.0.0.1:${port + 1}` },
      { origin: `https://127.0.0.1:${port}` },
      { origin: "null" },
      { referer: "http://evil.example/page" },
      {},
    ]) {
      const answer = await send(headers);
      expect({ headers, status: answer.status, code: codeOf(answer) }).toEqual({
        headers,
        status: 403,
        code: "BAD_ORIGIN",
      });
    }
    // The console's own page: its Origin, or its Referer, is this API's.
    expect(codeOf(await send({ origin }))).not.toBe("BAD_ORIGIN");
    expect(codeOf(await send({ referer: `${origin}/lines/${line}` }))).not.toBe("BAD_ORIGIN");
    expect(codeOf(await send({ origin: `http://localhost:${port}` }))).not.toBe("BAD_ORIGIN");
    // A foreign Origin is refused whatever the request carries: the token, or nothing at all.
    const withTokenFromAfar = await raw(port, "GET", "/api/status", {
      headers: { ...withToken(), origin: "http://evil.example" },
    });
    expect(codeOf(withTokenFromAfar)).toBe("BAD_ORIGIN");
    const signIn = await raw(port, "POST", "/api/session", {
      headers: { "content-type": "application/json", origin: "http://evil.example" },
      body: JSON.stringify({ operator: "kim", password: kimPassword }),
    });
    expect(codeOf(signIn)).toBe("BAD_ORIGIN");
  });

  it("a text/plain post to resume a suspended line is refused, and the line stays suspended", async () => {
    expect(await suspended()).toBe(true);
    const plain = { "content-type": "text/plain" };
    const attempts = [
      await raw(port, "POST", `/api/lines/${line}/resume`, { headers: plain, body: "x" }),
      await raw(port, "POST", `/%61pi/lines/${line}/resume`, { headers: plain, body: "x" }),
      await raw(port, "POST", `/api/lines/${line}/resume`, {
        headers: { ...plain, cookie, origin: "http://evil.example" },
        body: "x",
      }),
      await raw(port, "POST", `/api/lines/${line}/resume`, { headers: { ...plain, cookie }, body: "x" }),
      await raw(port, "POST", `/api/lines/${line}/resume`, {
        headers: { ...plain, ...withToken() },
        body: "x",
      }),
    ];
    expect(attempts.map((a) => codeOf(a))).toEqual([
      "UNAUTHORIZED",
      "BAD_PATH",
      "BAD_ORIGIN",
      "BAD_ORIGIN",
      "SCHEMA",
    ]);
    expect(await suspended()).toBe(true);
  });

  it("an officer cannot share (so disclose and drop) a supervisor's private zone: FORBIDDEN", async () => {
    const zone = {
      name: "Silo field",
      geojson: square(30, 50, 1),
      minAltitude: 0,
      maxAltitude: 20_000,
    };
    const added = await raw(port, "POST", "/api/zones", {
      ...json(zone),
      headers: { ...json(zone).headers, ...withToken("sam") },
    });
    expect(added.status).toBe(200);
    const share = { line };
    const byOfficer = await raw(port, "POST", `/api/zones/Silo%20field/share`, {
      ...json(share),
      headers: { ...json(share).headers, ...withToken("kim") },
    });
    expect(byOfficer.status).toBe(403);
    expect(codeOf(byOfficer)).toBe("FORBIDDEN");
    const byCookie = await raw(port, "POST", `/api/zones/Silo%20field/share`, {
      body: JSON.stringify(share),
      headers: { "content-type": "application/json", cookie, "x-csrf-token": csrf, origin },
    });
    expect(codeOf(byCookie)).toBe("FORBIDDEN");
    const zones = JSON.parse((await raw(port, "GET", "/api/zones", { headers: withToken() })).body) as {
      name: string;
    }[];
    expect(zones.map((z) => z.name)).toContain("Silo field");
  });

  it("random methods, paths and headers never make it answer 5xx, nor 2xx without credentials", async () => {
    const segment = fc.stringMatching(
      /^(?:[a-z0-9]|%[0-9a-fA-F]{2}|\.|\\|%2[eEfF]|%5[cC]|api|operators|hooks|lines|:|@|;)*$/,
    );
    const path = fc
      .array(segment, { minLength: 0, maxLength: 5 })
      .chain((parts) =>
        fc.constantFrom(
          `/${parts.join("/")}`,
          `/api/${parts.join("/")}`,
          `//${parts.join("/")}`,
          `/api/${parts.join("/")}?x=${parts[0] ?? ""}`,
        ),
      );
    const method = fc.constantFrom("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
    const headers = fc.record(
      {
        host: fc.constantFrom(
          `127.0.0.1:${port}`,
          `localhost:${port}`,
          "evil.example",
          `[::1]:${port}`,
          "a@b",
          "x:y:z",
        ),
        origin: fc.constantFrom(origin, "http://evil.example", "null", "::", ""),
        "content-type": fc.constantFrom(
          "application/json",
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data",
        ),
        authorization: fc.constantFrom("Bearer nope", "Basic YTpi", ""),
        cookie: fc.constantFrom(`${cookie.split("=")[0] ?? "x"}=forged`, "a=b"),
      },
      { requiredKeys: ["host"] },
    );
    const body = fc.constantFrom(
      undefined,
      "{}",
      '{"severity":"info","command":["/bin/true"]}',
      "not json",
      '{"a":'.repeat(50),
    );
    await fc.assert(
      fc.asyncProperty(method, path, headers, body, async (m, p, h, b) => {
        const answer = await raw(port, m, p, {
          headers: h,
          ...(b === undefined || m === "GET" || m === "HEAD" ? {} : { body: b }),
        });
        expect(answer.status).toBeLessThan(500);
        // Without credentials nothing of the station comes back: errors, or a console page.
        if (answer.status < 300) {
          expect(answer.headers["content-type"] ?? "").not.toMatch(/json/);
        }
      }),
      { numRuns: 300 },
    );
    expect(JSON.parse((await raw(port, "GET", "/api/hooks", { headers: withToken() })).body)).toEqual([]);
    expect(await suspended()).toBe(true);
  });

  it("sign-in guesses sent all at once: at most the free ones reach the password check, the rest are THROTTLED", async () => {
    await addOperator(running.station, { name: "lee", role: "observer", by: "admin" });
    const guesses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        raw(port, "POST", "/api/session", json({ operator: "lee", password: `guess number ${i}` })),
      ),
    );
    const codes = guesses.map((g) => codeOf(g));
    const tried = codes.filter((c) => c === "BAD_CREDENTIALS").length;
    expect(tried).toBeGreaterThanOrEqual(1);
    expect(tried).toBeLessThanOrEqual(3);
    expect(codes.filter((c) => c === "THROTTLED").length).toBe(100 - tried);
  });
});

/**
 * Off loopback the API serves HTTPS with the station's certificate, the cookie is Secure, and the
 * CLI pins the certificate; plain HTTP there takes the admin's explicit flag.
 */
describe("the operator API off loopback", () => {
  let tmp: TempDir;

  beforeAll(() => {
    tmp = tempDir("hotline-api-tls-");
  });
  afterAll(() => tmp.remove());

  it("bound to 0.0.0.0 it speaks HTTPS with the station's certificate, which the CLI pins; the cookie is Secure", async () => {
    const dir = tmp.join("moscow");
    const port = await freeLoopbackPort();
    const made = await initStation({
      dir,
      name: "Moscow",
      listen: `127.0.0.1:${await freeLoopbackPort()}`,
      api: `0.0.0.0:${port}`,
      apiNames: ["hotline.example.org"],
    });
    const running = await startStation({ dir });
    try {
      expect(running.apiUrl).toBe(`https://127.0.0.1:${port}`);
      const client = runningStation(stationPaths(dir));
      expect(client).not.toBeNull();
      expect(await client?.call("GET /api/whoami")).toMatchObject({ id: made.id });
      // Plain HTTP gets no answer from it.
      await expect(raw(port, "GET", "/api/station")).rejects.toThrow();
      const station = await raw(port, "GET", "/api/station", { https: true });
      expect(station.status).toBe(200);
      const named = await raw(port, "GET", "/api/station", {
        https: true,
        headers: { host: "hotline.example.org" },
      });
      expect(named.status).toBe(200);
      const foreign = await raw(port, "GET", "/api/station", {
        https: true,
        headers: { host: "evil.example" },
      });
      expect(codeOf(foreign)).toBe("BAD_HOST");
      const signIn = await raw(port, "POST", "/api/session", {
        https: true,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ operator: "admin", password: made.admin.password }),
      });
      expect(signIn.status).toBe(200);
      expect(String(signIn.headers["set-cookie"])).toMatch(/; Secure/);
    } finally {
      await running.stop();
    }
  });

  it("the CLI refuses to give its token to an API whose certificate is not the pinned one", async () => {
    const dir = tmp.join("london");
    const port = await freeLoopbackPort();
    await initStation({
      dir,
      name: "London",
      listen: `127.0.0.1:${await freeLoopbackPort()}`,
      api: `0.0.0.0:${port}`,
    });
    const running = await startStation({ dir });
    try {
      const lock = tmp.join("london", "station.lock");
      const info = JSON.parse(readFileSync(lock, "utf8")) as { pin: string };
      expect(info.pin).toMatch(/^sha256:/);
      const { writeFileSync } = await import("node:fs");
      writeFileSync(lock, JSON.stringify({ ...info, pin: `sha256:${"0".repeat(64)}` }));
      const client = runningStation(stationPaths(dir));
      await expect(client?.call("GET /api/whoami")).rejects.toMatchObject({ code: "UNKNOWN_PEER" });
    } finally {
      await running.stop();
    }
  });

  it("plain HTTP off loopback only when the admin says so (--api-insecure-http)", async () => {
    const dir = tmp.join("paris");
    const port = await freeLoopbackPort();
    await initStation({
      dir,
      name: "Paris",
      listen: `127.0.0.1:${await freeLoopbackPort()}`,
      api: `0.0.0.0:${port}`,
      apiInsecureHttp: true,
    });
    const running = await startStation({ dir });
    try {
      expect(running.apiUrl).toBe(`http://127.0.0.1:${port}`);
      expect(running.apiInsecure).toBe(true);
      expect((await raw(port, "GET", "/api/station")).status).toBe(200);
      expect(await runningStation(stationPaths(dir))?.call("GET /api/whoami")).toMatchObject({
        name: "Paris",
      });
    } finally {
      await running.stop();
    }
  });
});
