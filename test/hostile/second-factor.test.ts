import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { declaredRoutes, isPublic, isScrape } from "../../src/api/access.js";
import { startStation, type RunningStation } from "../../src/cli/runtime.js";
import {
  addOperator,
  confirmEnrolment,
  freeLoopbackPort,
  initStation,
  startEnrolment,
  totpCode,
} from "../../src/station/mod.js";
import { tempDir, type TempDir } from "../helpers/cli.js";

interface Answer {
  status: number;
  code: string | undefined;
}

/**
 * The second factor as an attacker meets it: a stolen admin password gives a session that can do
 * nothing but enrol, and guessing codes with a stolen password is throttled like guessing
 * passwords.
 */
describe("the second factor holds against a stolen password", () => {
  let tmp: TempDir;
  let running: RunningStation;
  let base: string;
  let adminPassword: string;
  let kimPassword: string;
  let kimSecret: string;

  const send = async (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let code: string | undefined;
    try {
      code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
    } catch {
      code = undefined;
    }
    return { status: response.status, code, text, response } satisfies Answer & Record<string, unknown>;
  };

  beforeAll(async () => {
    tmp = tempDir("hotline-hostile-2fa-");
    const port = await freeLoopbackPort();
    const dir = tmp.join("washington");
    adminPassword = (
      await initStation({
        dir,
        name: "Washington",
        listen: `127.0.0.1:${await freeLoopbackPort()}`,
        api: `127.0.0.1:${port}`,
      })
    ).admin.password;
    running = await startStation({ dir });
    base = `http://127.0.0.1:${port}`;
    kimPassword = (await addOperator(running.station, { name: "kim", role: "officer", by: "admin" }))
      .password;
    kimSecret = (await startEnrolment(running.station, "kim")).secret;
    await confirmEnrolment(running.station, "kim", totpCode(kimSecret, Date.now()));
    expect(readFileSync(`${dir}/second-factor.key`, "utf8").trim()).toHaveLength(44);
  });

  afterAll(async () => {
    await running.stop();
    tmp.remove();
  });

  it("a session that may only enrol cannot do anything else: every other route answers SECOND_FACTOR_REQUIRED", async () => {
    const signedIn = await send("POST", "/api/session", {}, { operator: "admin", password: adminPassword });
    expect(signedIn.status).toBe(200);
    const cookie = (signedIn.response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const csrf = (JSON.parse(signedIn.text) as { csrf: string }).csrf;
    const session = { cookie, origin: base, "x-csrf-token": csrf };
    const routes = declaredRoutes(running.api).filter(
      (r) =>
        r.url.startsWith("/api") &&
        !isPublic(r.access) &&
        !isScrape(r.access) &&
        r.access.beforeSecondFactor !== true,
    );
    expect(routes.length).toBeGreaterThan(50);
    for (const route of routes) {
      const path = route.url.replace(/:[a-z]+/gi, "1");
      const hasBody = !["GET", "HEAD", "DELETE"].includes(route.method);
      const answer = await send(route.method, path, session, hasBody ? {} : undefined);
      const key = `${route.method} ${route.url}`;
      expect({ key, status: answer.status }).toEqual({ key, status: 403 });
      if (route.method !== "HEAD")
        expect({ key, code: answer.code }).toEqual({ key, code: "SECOND_FACTOR_REQUIRED" });
    }
    // What it may do: see its factor, enrol, sign out; and nothing it did left a line or an operator.
    const allowed = declaredRoutes(running.api)
      .filter((r) => !isPublic(r.access) && !isScrape(r.access) && r.access.beforeSecondFactor === true)
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(allowed).toEqual([
      "DELETE /api/session",
      "GET /api/second-factor",
      "HEAD /api/second-factor",
      "POST /api/second-factor",
      "POST /api/second-factor/confirm",
      "POST /api/second-factor/disable",
      "PUT /api/session/lang",
    ]);
    expect(await running.station.lines()).toHaveLength(0);
    expect((await running.station.store.operators()).map((o) => o.name)).toEqual(["admin", "kim"]);
  });

  it("guessing codes with a stolen password is throttled: after 3 wrong codes even the right one must wait", async () => {
    const guess = (code: string) =>
      send("POST", "/api/session", {}, { operator: "kim", password: kimPassword, code });
    for (const code of ["000000", "111111", "222222"])
      expect((await guess(code)).code).toBe("BAD_SECOND_FACTOR");
    const right = totpCode(kimSecret, Date.now() + 30_000);
    const throttled = await guess(right);
    expect(throttled.code).toBe("THROTTLED");
    expect(Number(throttled.response.headers.get("retry-after"))).toBeGreaterThan(0);
    // Sent all at once, guesses do not slip past the throttle either.
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => guess(String(100000 + i))));
    expect(burst.every((a) => a.code === "THROTTLED")).toBe(true);
    // Each attempt is in the audit log, refused, with why.
    const rows = await running.station.store.audit({ operator: "kim", limit: 100 });
    expect(rows.filter((r) => r.action === "sign-in" && r.code === "BAD_SECOND_FACTOR")).toHaveLength(3);
    expect(rows.filter((r) => r.action === "sign-in" && r.code === "THROTTLED")).toHaveLength(21);
  });

  it("codes that are not codes (long, odd characters, not strings) are refused, never a crash", async () => {
    const leePassword = (await addOperator(running.station, { name: "lee", role: "officer", by: "admin" }))
      .password;
    const lee = (await startEnrolment(running.station, "lee")).secret;
    await confirmEnrolment(running.station, "lee", totpCode(lee, Date.now()));
    const odd: unknown[] = [
      "",
      "x".repeat(65),
      "１２３４５６",
      "12345\u0000",
      123456,
      null,
      ["123456"],
      { code: 1 },
    ];
    for (const code of odd) {
      const answer = await send("POST", "/api/session", {}, { operator: "lee", password: leePassword, code });
      expect(answer.status).toBeLessThan(500);
      expect(["SCHEMA", "BAD_SECOND_FACTOR", "THROTTLED"]).toContain(answer.code);
    }
    const confirm = await send("POST", "/api/second-factor/confirm", {}, { code: "1".repeat(10_000) });
    expect(confirm.status).toBeLessThan(500);
  });
});
