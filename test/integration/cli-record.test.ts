import { statSync, writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotline, hotlineJson, hotlineProcess, tempDir, type TempDir } from "../helpers/cli.js";
import { ON_POSTGRES, stationChange, stationRows } from "../helpers/station-db.js";

interface Problem {
  code: string;
  seq: number | null;
}

describe("hotline CLI on one station", () => {
  let tmp: TempDir;
  let dir: string;
  let lineId: string;

  beforeAll(async () => {
    tmp = tempDir();
    dir = tmp.join("washington");
    const init = await hotlineJson<{ id: string; admin: { user: string; password: string } }>([
      "init",
      "--name",
      "Washington",
      "--dir",
      dir,
    ]);
    expect(init.admin.user).toBe("admin");
    lineId = (
      await hotlineJson<{ id: string }>(["line", "create", "--name", "moscow-washington", "--dir", dir])
    ).id;
  });
  afterAll(() => tmp.remove());

  it("init makes the directory 0700 and the private keys 0600, and refuses to run twice", async () => {
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(`${dir}/identity.key`).mode & 0o777).toBe(0o600);
    expect(statSync(`${dir}/tls.key`).mode & 0o777).toBe(0o600);
    const again = await hotline(["init", "--name", "Other", "--dir", dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error STATION_EXISTS: /);
  });

  it("whoami shows the id, fingerprint and URL that init printed", async () => {
    const me = await hotlineJson<Record<string, string>>(["whoami", "--dir", dir]);
    expect(me.name).toBe("Washington");
    expect(me.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(me.fingerprint).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    expect(me.url).toBe("https://127.0.0.1:7443");
  });

  it("20 sends then verify exits 0; one changed byte in the database makes verify exit 1 naming the seq", async () => {
    for (let i = 1; i <= 20; i++) {
      const sent = await hotlineJson<{ seq: number; hash: string }>([
        "send",
        "--dir",
        dir,
        "--line",
        "moscow-washington",
        `Message number ${i} on the line`,
      ]);
      expect(sent.seq).toBe(i + 1); // seq 1 is the line's genesis
    }
    const ok = await hotlineJson<{ ok: boolean; lines: number; entries: number }>(["verify", "--dir", dir]);
    expect(ok).toEqual({ ok: true, lines: 1, entries: 21 });

    const lines = await hotlineJson<{ id: string; entries: number }[]>(["lines", "--dir", dir]);
    expect(lines).toEqual([
      {
        id: lineId,
        name: "moscow-washington",
        participants: [expect.objectContaining({ name: "Washington" })],
        entries: 21,
        settings: expect.objectContaining({ testInterval: 5 }) as unknown,
        suspended: null,
      },
    ]);

    // One byte of seq 8's text changed where the record is kept (its file, or its database).
    const [stored] = await stationRows<{ hash: string; bytes: Buffer }>(
      dir,
      "SELECT hash, bytes FROM entries WHERE seq = 8",
    );
    const bytes = Buffer.from(stored?.bytes ?? []);
    const at = bytes.indexOf("Message number 7 on");
    expect(at).toBeGreaterThan(0);
    bytes[at + 8] = "X".charCodeAt(0);
    expect(await stationChange(dir, "UPDATE entries SET bytes = ? WHERE hash = ?", bytes, stored?.hash)).toBe(
      1,
    );

    const bad = await hotline(["verify", "--dir", dir, "--json"]);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { ok: boolean; problems: Problem[] };
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => [p.code, p.seq])).toEqual([
      ["BAD_HASH", 8],
      ["BAD_SIGNATURE", 8],
    ]);
    const human = await hotline(["verify", "--dir", dir]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain("BAD_HASH");
    expect(human.stdout).toContain("seq 8");
  });

  // SQLite's own damage: a column of another type than it was written with (PostgreSQL's bytea
  // column holds bytes only, so there is nothing of the kind to test on it).
  it.skipIf(ON_POSTGRES)(
    "verify --workers 2 names an entry whose bytes were rewritten as TEXT a SCHEMA problem, not a crash",
    async () => {
      const db = new Database(`${dir}/hotline.db`);
      try {
        db.prepare("UPDATE entries SET bytes = CAST(bytes AS TEXT) WHERE seq = 3").run();
        expect(db.prepare("SELECT typeof(bytes) AS t FROM entries WHERE seq = 3").get()).toEqual({
          t: "text",
        });
      } finally {
        db.close();
      }
      for (const workers of ["2", "0"]) {
        // A process of the built CLI: worker threads run the compiled worker, which only dist/ has.
        const bad = await hotlineProcess(["verify", "--dir", dir, "--workers", workers, "--json"]);
        expect(bad.code).toBe(1);
        const report = JSON.parse(bad.stdout) as { ok: boolean; problems: Problem[] };
        expect(report.problems.map((p) => [p.code, p.seq])).toContainEqual(["SCHEMA", 3]);
      }
    },
  );
});

describe("hotline CLI refuses bad input and writes nothing", () => {
  let tmp: TempDir;
  let dir: string;

  beforeAll(async () => {
    tmp = tempDir();
    dir = tmp.join("moscow");
    await hotlineJson(["init", "--name", "Moscow", "--dir", dir, "--lang", "ru"]);
    await hotlineJson(["line", "create", "--name", "moscow-paris", "--dir", dir]);
  });
  afterAll(() => tmp.remove());

  const entries = async () => (await hotlineJson<{ entries: number }[]>(["lines", "--dir", dir]))[0]?.entries;

  it.each([
    ["an unknown line", ["send", "--line", "no-such-line", "hello"], 1, "UNKNOWN_LINE"],
    ["empty text", ["send", "--line", "moscow-paris", "   "], 1, "SCHEMA"],
    ["a bad language tag", ["send", "--line", "moscow-paris", "--lang", "not a tag!", "hi"], 1, "SCHEMA"],
    ["an unknown precedence", ["send", "--line", "moscow-paris", "--precedence", "urgent", "hi"], 2, "USAGE"],
    ["no text at all", ["send", "--line", "moscow-paris"], 2, "USAGE"],
    [
      "an unknown operator",
      ["send", "--line", "moscow-paris", "--as", "mallory", "hi"],
      1,
      "UNKNOWN_OPERATOR",
    ],
    ["an unknown command", ["sned"], 2, "USAGE"],
  ])("send with %s fails with its code", async (_what, args, exit, code) => {
    const before = await entries();
    const result = await hotline([...args, "--dir", dir]);
    expect(result.code).toBe(exit);
    expect(result.stderr).toMatch(new RegExp(`^error ${code}: `));
    expect(await entries()).toBe(before);
  });

  it("an oversized message is refused with TOO_LARGE, from the command line and from a file", async () => {
    const before = await entries();
    const big = "x".repeat(70_000);
    const inline = await hotline(["send", "--dir", dir, "--line", "moscow-paris", big]);
    expect(inline.code).toBe(1);
    expect(inline.stderr).toMatch(/^error TOO_LARGE: /);
    const file = tmp.join("big.txt");
    writeFileSync(file, "y".repeat(200_000));
    const fromFile = await hotline(["send", "--dir", dir, "--line", "moscow-paris", "--file", file]);
    expect(fromFile.code).toBe(1);
    expect(fromFile.stderr).toMatch(/^error TOO_LARGE: /);
    expect(await entries()).toBe(before);
  });

  it("a message from standard input keeps its text, and the station's language is the default", async () => {
    const sent = await hotline(["send", "--dir", dir, "--line", "moscow-paris", "--file", "-", "--json"], {
      input: "Первое сообщение\nвторая строка",
    });
    expect(sent.code).toBe(0);
    const log = await hotlineJson<
      { kind: string; body: { text: string; lang: string; precedence: string } }[]
    >(["log", "--dir", dir, "--line", "moscow-paris"]);
    expect(log.at(-1)?.body).toEqual({
      text: "Первое сообщение\nвторая строка",
      lang: "ru",
      precedence: "ROUTINE",
      operator: "admin",
    });
  });

  it("a command outside any station says how to make one", async () => {
    const result = await hotline(["lines", "--dir", tmp.join("nowhere")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error NO_STATION: .*hotline init/);
  });
});

// Most tests run the CLI in their own process (helpers/cli.ts): the built binary must answer alike.
describe("the hotline binary and the CLI run in-process answer alike", () => {
  let tmp: TempDir;
  let dir: string;

  beforeAll(async () => {
    tmp = tempDir();
    dir = tmp.join("havana");
    await hotlineJson(["init", "--name", "Havana", "--dir", dir]);
    await hotlineJson(["line", "create", "--name", "havana-washington", "--dir", dir]);
  });
  afterAll(() => tmp.remove());

  it("the same exit code, output and errors: --version, a wrong option, $HOTLINE_DIR, a too large message from stdin", async () => {
    const env = { HOTLINE_DIR: dir };
    const runs: [string[], { input?: string; env?: Record<string, string> }][] = [
      [["--version"], {}],
      [["lines", "--no-such-option"], {}],
      [["lines", "--json"], { env }],
      [["send", "--line", "havana-washington", "--file", "-"], { env, input: "z".repeat(70_000) }],
    ];
    for (const [args, options] of runs) {
      const inProcess = await hotline(args, options);
      expect(inProcess.stdout + inProcess.stderr).not.toBe("");
      expect(inProcess).toEqual(await hotlineProcess(args, options));
    }
  });

  it("a message read from stdin is sent alike by both", async () => {
    const send = ["send", "--line", "havana-washington", "--file", "-", "--dir", dir];
    expect((await hotline(send, { input: "¿Recibido?\nSí" })).code).toBe(0);
    expect((await hotlineProcess(send, { input: "Recibido.\nSí" })).code).toBe(0);
    const texts = (
      await hotlineJson<{ body: { text?: string } }[]>(["log", "--line", "havana-washington", "--dir", dir])
    )
      .map((e) => e.body.text)
      .filter((text) => text !== undefined);
    expect(texts).toEqual(["¿Recibido?\nSí", "Recibido.\nSí"]);
  });
});
