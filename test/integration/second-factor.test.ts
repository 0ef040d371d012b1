import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contract } from "../../src/api/contract/mod.js";
import { totpCode, totpStep } from "../../src/station/mod.js";
import { hotline, hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
import { nextCode, type Authenticator } from "../helpers/second-factor.js";
import { stationDump } from "../helpers/station-db.js";
import { initStation, startStation, stopStation, type TestStation } from "../helpers/stations.js";

interface SessionView {
  operator: { name: string };
  csrf: string;
  secondFactor: { on: boolean; required: boolean };
}
interface AuditRow {
  operator: string | null;
  action: string;
  object: string | null;
  outcome: string;
  code: string | null;
  origin: string;
  via: string;
  secondFactor: string | null;
}

/**
 * The second factor and the audit log over the operator API, as the console and the CLI meet
 * them: an admin signed in with the password alone may only enrol; once enrolled, sign-in takes
 * a code (not twice the same); every action and sign-in attempt is audited, with no secret.
 */
describe("the second factor and the audit log", () => {
  let tmp: TempDir;
  let station: TestStation;
  let base: string;
  let token: string;
  let kimPassword: string;
  /** the admin's authenticator, once enrolled through the console */
  let admin: Authenticator;
  /** every code and recovery code given, to look for in the database and the log */
  const secrets: string[] = [];

  const signIn = (operator: string, password: string, code?: string) =>
    fetch(`${base}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ operator, password, ...(code === undefined ? {} : { code }) }),
    });
  const cookieOf = (response: Response) => (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const errorOf = async (response: Response) =>
    ((await response.json()) as { error: { code: string } }).error.code;
  /** a console request: the cookie, and for a write the page's Origin and the CSRF token */
  const asConsole = (
    session: { cookie: string; csrf: string },
    method: string,
    path: string,
    body?: unknown,
  ) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        cookie: session.cookie,
        ...(method === "GET" ? {} : { origin: base, "x-csrf-token": session.csrf }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const withToken = (method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const audit = async (query = "") =>
    (await (await withToken("GET", `/api/audit?limit=1000${query}`)).json()) as AuditRow[];

  beforeAll(async () => {
    tmp = tempDir();
    station = await initStation(tmp.join("washington"), "Washington");
    kimPassword = (
      await hotlineJson<{ password: string }>([
        "operator",
        "add",
        "kim",
        "--role",
        "officer",
        "--dir",
        station.dir,
      ])
    ).password;
    await startStation(station);
    base = `http://127.0.0.1:${station.apiPort}`;
    token = readFileSync(tmp.join("washington", "api.token"), "utf8").trim();
  });

  afterAll(async () => {
    await stopStation(station);
    tmp.remove();
  });

  it("an officer without the factor signs in with the password alone and may act", async () => {
    const kim = await signIn("kim", kimPassword);
    expect(kim.status).toBe(200);
    const view = (await kim.json()) as SessionView;
    expect(view.secondFactor).toEqual({ on: false, required: false });
    expect((await asConsole({ cookie: cookieOf(kim), csrf: view.csrf }, "GET", "/api/lines")).status).toBe(
      200,
    );
  });

  it("an admin signed in with the password alone may only enrol: anything else is SECOND_FACTOR_REQUIRED", async () => {
    const response = await signIn("admin", station.adminPassword);
    expect(response.status).toBe(200);
    const view = (await response.json()) as SessionView;
    expect(view.secondFactor).toEqual({ on: false, required: true });
    const session = { cookie: cookieOf(response), csrf: view.csrf };
    const status = await asConsole(session, "GET", "/api/status");
    expect(status.status).toBe(403);
    expect(await errorOf(status)).toBe("SECOND_FACTOR_REQUIRED");
    const line = await asConsole(session, "POST", "/api/lines", { name: "paris-washington" });
    expect(await errorOf(line)).toBe("SECOND_FACTOR_REQUIRED");
    expect(await hotlineJson<unknown[]>(["lines", "--dir", station.dir])).toHaveLength(0);
    // The CLI's token is host access, not a sign-in: unaffected.
    expect((await withToken("GET", "/api/status")).status).toBe(200);

    // Enrolment, in the same session: the secret and its QR code, then a first code turns it on.
    const started = await asConsole(session, "POST", "/api/second-factor");
    expect(started.status).toBe(200);
    const { secret, uri, qrSvg } = (await started.json()) as { secret: string; uri: string; qrSvg: string };
    expect(uri).toContain(`secret=${secret}`);
    expect(qrSvg).toMatch(/^<svg/);
    const wrong = await asConsole(session, "POST", "/api/second-factor/confirm", { code: "000000" });
    expect(await errorOf(wrong)).toBe("BAD_SECOND_FACTOR");
    const now = Date.now();
    const confirmed = await asConsole(session, "POST", "/api/second-factor/confirm", {
      code: totpCode(secret, now),
    });
    expect(confirmed.status).toBe(200);
    const { recoveryCodes } = (await confirmed.json()) as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    admin = { operator: "admin", secret, recoveryCodes: [...recoveryCodes], lastStep: totpStep(now) };
    secrets.push(secret, ...recoveryCodes);
    // The factor on, the same session may act; the secret is never answered again.
    expect((await asConsole(session, "GET", "/api/status")).status).toBe(200);
    const factor = await (await asConsole(session, "GET", "/api/second-factor")).text();
    expect(factor).not.toContain(secret);
    expect(JSON.parse(factor)).toEqual({ on: true, required: true, recoveryCodesLeft: 10 });
    expect(await errorOf(await asConsole(session, "POST", "/api/second-factor"))).toBe("ALREADY_ENROLLED");
  });

  it("with the factor on, sign-in takes a code after the password; a code is not accepted twice", async () => {
    const noCode = await signIn("admin", station.adminPassword);
    expect(noCode.status).toBe(401);
    expect(await errorOf(noCode)).toBe("SECOND_FACTOR_NEEDED");
    expect(noCode.headers.get("set-cookie")).toBeNull();
    const code = nextCode(admin);
    secrets.push(code);
    const signedIn = await signIn("admin", station.adminPassword, code);
    expect(signedIn.status).toBe(200);
    expect(((await signedIn.json()) as SessionView).secondFactor).toEqual({ on: true, required: true });
    const replayed = await signIn("admin", station.adminPassword, code);
    expect(replayed.status).toBe(401);
    expect(await errorOf(replayed)).toBe("BAD_SECOND_FACTOR");
    // A wrong password with a right code is still a wrong password.
    expect(await errorOf(await signIn("admin", "not-the-password", totpCode(admin.secret, Date.now())))).toBe(
      "BAD_CREDENTIALS",
    );
  });

  it("a recovery code signs in once", async () => {
    const recovery = admin.recoveryCodes.shift() ?? "";
    expect((await signIn("admin", station.adminPassword, recovery)).status).toBe(200);
    expect(await errorOf(await signIn("admin", station.adminPassword, recovery))).toBe("BAD_SECOND_FACTOR");
  });

  it("audits actions allowed and refused, and sign-in attempts, with who, from where and the code", async () => {
    expect((await withToken("POST", "/api/lines", { name: "audited" })).status).toBe(200);
    const rows = await audit();
    expect(rows).toContainEqual(
      expect.objectContaining({
        operator: "admin",
        action: "POST /api/lines",
        outcome: "refused",
        code: "SECOND_FACTOR_REQUIRED",
        origin: "127.0.0.1",
        via: "session",
      }),
    );
    expect(rows[0]).toMatchObject({
      operator: "admin",
      action: "POST /api/lines",
      outcome: "allowed",
      code: null,
      origin: "local",
      via: "token",
    });
    const signIns = rows.filter((r) => r.action === "sign-in");
    expect(signIns).toContainEqual(
      expect.objectContaining({
        operator: "admin",
        outcome: "refused",
        code: "SECOND_FACTOR_NEEDED",
        secondFactor: "none",
      }),
    );
    expect(signIns).toContainEqual(
      expect.objectContaining({
        operator: "admin",
        outcome: "refused",
        code: "BAD_SECOND_FACTOR",
        secondFactor: "given",
      }),
    );
    expect(signIns).toContainEqual(
      expect.objectContaining({ operator: "admin", outcome: "allowed", secondFactor: "totp" }),
    );
    expect(signIns).toContainEqual(
      expect.objectContaining({ operator: "admin", outcome: "allowed", secondFactor: "recovery" }),
    );
    expect(signIns).toContainEqual(
      expect.objectContaining({ operator: "kim", outcome: "allowed", secondFactor: "none" }),
    );
    expect(signIns).toContainEqual(
      expect.objectContaining({ operator: "admin", outcome: "refused", code: "BAD_CREDENTIALS" }),
    );
    // Reading is not an action: no row for a GET.
    expect(rows.some((r) => r.action.startsWith("GET "))).toBe(false);
    // An officer may not read the audit log.
    const kim = await fetch(`${base}/api/audit`, {
      headers: { authorization: `Bearer ${token}`, "x-hotline-operator": "kim" },
    });
    expect(await errorOf(kim)).toBe("FORBIDDEN");
  });

  it("every non-GET route of the contract is audited, whatever its answer", async () => {
    const routes = Object.keys(contract).filter((key) => !key.startsWith("GET "));
    for (const key of routes) {
      const [method, pattern] = key.split(" ") as [string, string];
      const path = pattern.replace(/:([A-Za-z]+)/g, "nosuch");
      // An empty body: refused by most routes' schemas, and audited all the same.
      await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          "x-hotline-operator": "nobody",
          "content-type": "application/json",
        },
        body: "{}",
      });
    }
    const rows = await audit("&operator=nobody");
    const audited = new Set(rows.map((r) => r.action));
    for (const key of routes) if (key !== "POST /api/session") expect(audited, key).toContain(key);
    expect(rows.filter((r) => r.action === "sign-in")).toHaveLength(0); // signing in names no operator here
    expect(rows.every((r) => r.outcome === "refused" && r.code !== null)).toBe(true);
  });

  it("hotline audit prints the log, by operator and since a time; reset-2fa is audited", async () => {
    const reset = await hotline(["operator", "reset-2fa", "kim", "--dir", station.dir]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain("had no second factor");
    const rows = await hotlineJson<AuditRow[]>([
      "audit",
      "--json",
      "--operator",
      "admin",
      "--since",
      "1h",
      "--dir",
      station.dir,
    ]);
    expect(rows[0]).toMatchObject({
      action: "POST /api/operators/:name/reset-2fa",
      object: '{"name":"kim"}',
      outcome: "allowed",
    });
    expect(rows.every((r) => r.operator === "admin")).toBe(true);
    const text = await hotline(["audit", "--limit", "3", "--dir", station.dir]);
    expect(text.stdout.trim().split("\n")).toHaveLength(3);
    expect(text.stdout).toMatch(/GET \/api\/audit|POST \/api\/operators\/:name\/reset-2fa/);
    const officer = await hotline(["audit", "--as", "kim", "--dir", station.dir]);
    expect(officer.stderr).toContain("FORBIDDEN");
  });

  it("no password, code, TOTP secret or token is in any audit row, the database or the log", async () => {
    const rows = JSON.stringify(await audit());
    await stopStation(station);
    const files = [station.output, rows, await stationDump(station.dir)];
    for (const secret of [...secrets, station.adminPassword, kimPassword, token]) {
      for (const text of files) expect(text).not.toContain(secret);
    }
    expect(station.output).toContain("operator signed in");
    await startStation(station); // for afterAll
  });
});
