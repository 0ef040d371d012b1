import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPassword } from "../../src/station/core/password.js";
import { hotline, hotlineJson, tempDir, type CliResult, type TempDir } from "../helpers/cli.js";
import { stationRows, stationValue } from "../helpers/station-db.js";
import { initStation, startStation, stopStation, type TestStation } from "../helpers/stations.js";

interface Operator {
  name: string;
  role: string;
  disabled: boolean;
  createdAt: string;
}

interface LogEntry {
  kind: string;
  body: { operator?: string; text?: string };
}

/** A generated password: 4 groups of 5 letters and digits. */
const GENERATED = /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/;

function expectRefused(result: CliResult, exit: number, code: string): void {
  expect({ code: result.code, stderr: result.stderr }).toEqual({
    code: exit,
    stderr: expect.stringMatching(new RegExp(`^error ${code}: `)) as unknown,
  });
}

// What the station's database holds, read as an auditor would: beside the station, on its engine.
function storedHash(dir: string, name: string): Promise<string> {
  return stationValue<string>(dir, "SELECT password_hash FROM operators WHERE name = ?", name);
}

function invitesMade(dir: string): Promise<number> {
  return stationValue<number>(dir, "SELECT COUNT(*) AS n FROM invites");
}

function entryCount(dir: string): Promise<number> {
  return stationValue<number>(dir, "SELECT COUNT(*) AS n FROM entries");
}

async function operatorNames(dir: string): Promise<string[]> {
  return (await stationRows<{ name: string }>(dir, "SELECT name FROM operators ORDER BY name")).map(
    (r) => r.name,
  );
}

/**
 * The same cases with and without a running station: the CLI goes through the operator API in one
 * and opens the database in the other, and both must give the same answers.
 */
describe.each([
  ["stopped", false],
  ["running", true],
])("hotline operator with the station %s", (_state, running) => {
  let tmp: TempDir;
  let station: TestStation;
  let dir: string;
  const run = (...args: string[]) => hotline([...args, "--dir", dir]);
  const json = <T>(...args: string[]) => hotlineJson<T>([...args, "--dir", dir]);

  beforeAll(async () => {
    tmp = tempDir();
    station = await initStation(tmp.join("washington"), "Washington");
    dir = station.dir;
    if (running) await startStation(station);
    await json("line", "create", "--name", "moscow-washington");
  });
  afterAll(async () => {
    await stopStation(station);
    tmp.remove();
  });

  it("operator add prints the password once, list shows the operator, and only a scrypt hash is stored", async () => {
    const added = await json<Operator & { password: string }>("operator", "add", "kim", "--role", "officer");
    expect(added).toEqual({
      name: "kim",
      role: "officer",
      disabled: false,
      createdAt: expect.stringMatching(/Z$/) as unknown,
      password: expect.stringMatching(GENERATED) as unknown,
    });
    const human = await run("operator", "add", "olga", "--role", "observer");
    expect(human.code).toBe(0);
    const password = /password: (\S+)/.exec(human.stdout)?.[1] ?? "";
    expect(password).toMatch(GENERATED);
    expect(human.stdout.split(password)).toHaveLength(2); // shown once

    const listed = await run("operator", "list", "--json");
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(added.password);
    expect(listed.stdout).not.toContain("scrypt");
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ name: "admin", role: "admin", disabled: false }),
      { name: "kim", role: "officer", disabled: false, createdAt: added.createdAt },
      expect.objectContaining({ name: "olga", role: "observer", disabled: false }),
    ]);

    for (const [name, given] of [
      ["kim", added.password],
      ["olga", password],
    ] as const) {
      const hash = await storedHash(dir, name);
      expect(hash).toMatch(/^scrypt\$/);
      expect(hash).not.toContain(given);
      expect(await checkPassword(given, hash)).toBe(true);
    }
  });

  it("operator add refuses a taken name (OPERATOR_EXISTS), a bad role or a bad name (exit 2)", async () => {
    const [taken, badRole, badName, noRole] = await Promise.all([
      run("operator", "add", "kim", "--role", "admin"),
      run("operator", "add", "bob", "--role", "general"),
      run("operator", "add", "Bob Smith", "--role", "officer"),
      run("operator", "add", "bob"),
    ]);
    expectRefused(taken, 1, "OPERATOR_EXISTS");
    expectRefused(badRole, 2, "USAGE");
    expectRefused(badName, 2, "USAGE");
    expectRefused(noRole, 2, "USAGE");
    expect(await operatorNames(dir)).toEqual(["admin", "kim", "olga"]);
  });

  it("an officer's message names that officer in the record; the officer cannot invite, open lines or manage operators", async () => {
    const sent = await json<{ seq: number }>(
      "send",
      "--line",
      "moscow-washington",
      "--as",
      "kim",
      "Line check",
    );
    const log = await json<LogEntry[]>("log", "--line", "moscow-washington");
    expect(log).toHaveLength(sent.seq);
    expect(log.at(-1)).toMatchObject({ kind: "text", body: { text: "Line check", operator: "kim" } });

    const before = await entryCount(dir);
    const [invite, create, add, list] = await Promise.all([
      run("invite", "--line", "moscow-washington", "--as", "kim"),
      run("line", "create", "--name", "kim-line", "--as", "kim"),
      run("operator", "add", "eve", "--role", "admin", "--as", "kim"),
      run("operator", "list", "--as", "kim"),
    ]);
    expect(invite).toEqual({
      code: 1,
      stdout: "",
      stderr: "error FORBIDDEN: Cannot make an invite: operator 'kim' is an officer; it takes an admin\n",
    });
    expectRefused(create, 1, "FORBIDDEN");
    expectRefused(add, 1, "FORBIDDEN");
    expectRefused(list, 1, "FORBIDDEN");
    expect(await entryCount(dir)).toBe(before);
    expect(await invitesMade(dir)).toBe(0);
    expect(await operatorNames(dir)).not.toContain("eve");
  });

  it("an observer cannot send", async () => {
    const before = await entryCount(dir);
    const sent = await run("send", "--line", "moscow-washington", "--as", "olga", "Hello");
    expectRefused(sent, 1, "FORBIDDEN");
    expect(sent.stderr).toContain(
      "operator 'olga' is an observer; it takes an officer, a supervisor or an admin",
    );
    expect(await entryCount(dir)).toBe(before);
  });

  it("operator passwd prints a new generated password once, or takes one of 12 characters or more from stdin", async () => {
    const first = await storedHash(dir, "kim");
    const generated = await json<{ name: string; password: string }>("operator", "passwd", "kim");
    expect(generated).toEqual({ name: "kim", password: expect.stringMatching(GENERATED) as unknown });
    const second = await storedHash(dir, "kim");
    expect(second).not.toBe(first);
    expect(await checkPassword(generated.password, second)).toBe(true);

    const chosen = "correct horse battery staple";
    const fromStdin = await hotline(["operator", "passwd", "kim", "--stdin", "--json", "--dir", dir], {
      input: `${chosen}\n`,
    });
    expect(fromStdin.code).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toEqual({ name: "kim" });
    const third = await storedHash(dir, "kim");
    expect(third).toMatch(/^scrypt\$/);
    expect(third).not.toContain(chosen);
    expect(await checkPassword(chosen, third)).toBe(true);

    // One after another, as a person types them: in-process CLI runs share this process, and
    // SQLite's busy wait on one would block the event loop the other needs to commit.
    const short = await hotline(["operator", "passwd", "kim", "--stdin", "--dir", dir], {
      input: "short1\n",
    });
    const unknown = await run("operator", "passwd", "nobody");
    const notAdmin = await run("operator", "passwd", "olga", "--as", "kim");
    expectRefused(short, 1, "BAD_INPUT");
    expectRefused(unknown, 1, "UNKNOWN_OPERATOR");
    expectRefused(notAdmin, 1, "FORBIDDEN");
    expect(await storedHash(dir, "kim")).toBe(third);
  });

  it("a disabled operator cannot act, and the last enabled admin cannot be disabled", async () => {
    const lastAdmin = await run("operator", "disable", "admin");
    const unknown = await run("operator", "disable", "nobody");
    const notAdmin = await run("operator", "disable", "olga", "--as", "kim");
    expectRefused(lastAdmin, 1, "LAST_ADMIN");
    expectRefused(unknown, 1, "UNKNOWN_OPERATOR");
    expectRefused(notAdmin, 1, "FORBIDDEN");

    const disabled = await json<Operator>("operator", "disable", "kim");
    expect(disabled).toMatchObject({ name: "kim", role: "officer", disabled: true });
    const before = await entryCount(dir);
    const sent = await run("send", "--line", "moscow-washington", "--as", "kim", "Still here?");
    expect(sent.stderr).toBe("error FORBIDDEN: Cannot act as operator 'kim': the operator is disabled\n");
    expect(sent.code).toBe(1);
    expect(await entryCount(dir)).toBe(before);

    // A second admin may disable the first; then the second is the last.
    await json("operator", "add", "root2", "--role", "admin");
    await json("operator", "disable", "admin", "--as", "root2");
    const [last, asDisabled, listed] = await Promise.all([
      run("operator", "disable", "root2", "--as", "root2"),
      run("operator", "list"), // as the default operator, admin, now disabled
      json<Operator[]>("operator", "list", "--as", "root2"),
    ]);
    expectRefused(last, 1, "LAST_ADMIN");
    expectRefused(asDisabled, 1, "FORBIDDEN");
    expect(listed).toEqual([
      expect.objectContaining({ name: "admin", disabled: true }),
      expect.objectContaining({ name: "kim", disabled: true }),
      expect.objectContaining({ name: "olga", disabled: false }),
      expect.objectContaining({ name: "root2", role: "admin", disabled: false }),
    ]);
  });

  // Only a running station has an operator API to ask.
  if (running) {
    it("the operator API answers a refusal with 403 FORBIDDEN and a message", async () => {
      const lock = JSON.parse(readFileSync(join(dir, "station.lock"), "utf8")) as { api: string };
      const token = readFileSync(join(dir, "api.token"), "utf8").trim();
      const response = await fetch(`http://${lock.api}/api/operators`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "x-hotline-operator": "olga",
        },
        body: JSON.stringify({ name: "eve", role: "admin" }),
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        error: {
          code: "FORBIDDEN",
          message: "Cannot manage operators: operator 'olga' is an observer; it takes an admin",
        },
      });
      const read = await fetch(`http://${lock.api}/api/lines`, {
        headers: { authorization: `Bearer ${token}`, "x-hotline-operator": "olga" },
      });
      expect(read.status).toBe(200);
    });
  }
});
