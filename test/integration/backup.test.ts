import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotline, hotlineJson } from "../helpers/cli.js";
import {
  startPairedStations,
  startStation,
  stopStation,
  waitFor,
  type PairedStations,
  type TestStation,
} from "../helpers/stations.js";

interface LogEntry {
  hash: string;
  author: string;
  seq: number;
  kind: string;
  body: { text?: string };
}

function log(station: TestStation, line: string): Promise<LogEntry[]> {
  return hotlineJson<LogEntry[]>(["log", "--line", line, "--dir", station.dir]);
}

async function sendAll(station: TestStation, line: string, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const sent = await hotline(["send", "--line", line, "--dir", station.dir, `${prefix} ${i}`]);
    expect(sent.stderr).toBe("");
  }
}

/** Waits until `to` holds every entry `from` holds. */
async function waitHolds(to: TestStation, from: TestStation, line: string): Promise<void> {
  await waitFor(
    async () => {
      const [theirs, mine] = await Promise.all([log(from, line), log(to, line)]);
      const held = new Set(mine.map((e) => e.hash));
      return theirs.every((e) => held.has(e.hash));
    },
    { what: `${to.name} to hold all that ${from.name} holds`, timeoutMs: 60_000, everyMs: 300 },
  );
}

describe("backup and restore while running", () => {
  let paired: PairedStations;
  let passphraseFile: string;

  beforeAll(async () => {
    paired = await startPairedStations();
    passphraseFile = paired.tmp.join("passphrase");
    writeFileSync(passphraseFile, "correct horse battery staple\n", { mode: 0o600 });
  }, 60_000);

  afterAll(async () => {
    await paired.close();
  });

  it("a station backed up while both sides send, destroyed and restored, gets back everything its peer holds, and verify is clean at both", async () => {
    const { washington, moscow, line, tmp } = paired;
    const file = tmp.join("washington.backup");
    // Both sides send; the backup is taken in the middle of it, through the running station's API.
    const sending = Promise.all([sendAll(washington, line, "W", 30), sendAll(moscow, line, "M", 30)]);
    await waitFor(async () => (await log(washington, line)).length > 12, { what: "some messages" });
    const made = await hotline([
      "backup",
      "--out",
      file,
      "--with-keys",
      "--passphrase-file",
      passphraseFile,
      "--dir",
      washington.dir,
      "--json",
    ]);
    expect(made.stderr).toBe("");
    expect(made.code).toBe(0);
    await sending;
    // More after the backup: the restored station must get these back from Moscow.
    await Promise.all([sendAll(washington, line, "W after", 5), sendAll(moscow, line, "M after", 5)]);
    await Promise.all([waitHolds(moscow, washington, line), waitHolds(washington, moscow, line)]);
    const before = await log(moscow, line);

    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The snapshot the running station made in its directory is gone again.
    expect(readdirSync(washington.dir).filter((f) => f.startsWith("snapshot-"))).toEqual([]);

    await stopStation(washington);
    rmSync(washington.dir, { recursive: true, force: true });

    const restored = await hotlineJson<{ withKeys: boolean; missing: string[]; station: { id: string } }>([
      "restore",
      file,
      "--dir",
      washington.dir,
      "--passphrase-file",
      passphraseFile,
      "--json",
    ]);
    expect(restored).toMatchObject({ withKeys: true, missing: [], station: { id: washington.id } });
    expect(statSync(`${washington.dir}/identity.key`).mode & 0o777).toBe(0o600);
    expect(statSync(`${washington.dir}/tls.key`).mode & 0o777).toBe(0o600);
    expect(statSync(`${washington.dir}/hotline.db`).mode & 0o777).toBe(0o600);
    // The backup was taken mid-way: the restored record lacks what came after it.
    const atRestore = await log(washington, line);
    expect(atRestore.length).toBeLessThan(before.length);

    // A snapshot left by a backup cut short goes at start.
    writeFileSync(`${washington.dir}/snapshot-0123456789abcdef.db`, "stray");
    await startStation(washington);
    expect(existsSync(`${washington.dir}/snapshot-0123456789abcdef.db`)).toBe(false);
    await waitHolds(washington, moscow, line);
    // Caught up with its only peer: the restore marker is gone, and lies about its chain are refused again.
    await waitFor(() => !existsSync(`${washington.dir}/restored.json`), { what: "the restore marker to go" });
    const after = await log(washington, line);
    const texts = after
      .filter((e) => e.author === washington.id && e.kind === "text")
      .map((e) => e.body.text);
    expect(texts).toEqual([
      ...Array.from({ length: 30 }, (_, i) => `W ${i}`),
      ...Array.from({ length: 5 }, (_, i) => `W after ${i}`),
    ]);
    for (const station of [washington, moscow]) {
      const report = await hotlineJson<{ ok: boolean }>(["verify", "--json", "--dir", station.dir]);
      expect(report.ok).toBe(true);
    }
    // And the line still works both ways.
    await sendAll(washington, line, "W restored", 1);
    await waitHolds(moscow, washington, line);
  }, 120_000);

  it("a backup without --with-keys holds the database only; restore says which files are still needed", async () => {
    const { moscow, tmp } = paired;
    const file = tmp.join("moscow-db-only.backup");
    const made = await hotline(["backup", "--out", file, "--dir", moscow.dir]);
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/holds no keys/);
    expect(readFileSync(file).includes("PRIVATE KEY")).toBe(false);
    const dir = tmp.join("moscow-db-only");
    const restored = await hotline(["restore", file, "--dir", dir]);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/station\.json, identity\.key, tls\.key, tls\.crt/);
    expect(readdirSync(dir).sort()).toEqual(["hotline.db", "restored.json"]);
  });

  it("refuses an existing --out file with FILE_EXISTS, and leaves it as it was", async () => {
    const file = paired.tmp.join("taken");
    writeFileSync(file, "mine");
    const made = await hotline(["backup", "--out", file, "--dir", paired.moscow.dir]);
    expect(made.code).toBe(1);
    expect(made.stderr).toMatch(/^error FILE_EXISTS: /);
    expect(readFileSync(file, "utf8")).toBe("mine");
  });

  it("an officer cannot back up the station (FORBIDDEN)", async () => {
    const { moscow, tmp } = paired;
    expect((await hotline(["operator", "add", "olga", "--role", "officer", "--dir", moscow.dir])).code).toBe(
      0,
    );
    const made = await hotline([
      "backup",
      "--out",
      tmp.join("by-officer"),
      "--as",
      "olga",
      "--dir",
      moscow.dir,
    ]);
    expect(made.code).toBe(1);
    expect(made.stderr).toMatch(/^error FORBIDDEN: /);
    expect(existsSync(tmp.join("by-officer"))).toBe(false);
  });

  describe("bad inputs to restore: a clear code, nothing written", () => {
    let file: string;
    let bytes: Buffer;

    beforeAll(async () => {
      file = paired.tmp.join("moscow.backup");
      const made = await hotline([
        "backup",
        "--out",
        file,
        "--with-keys",
        "--passphrase-file",
        passphraseFile,
        "--dir",
        paired.moscow.dir,
      ]);
      expect(made.code).toBe(0);
      bytes = readFileSync(file);
    });

    /** Restores `content` into a new directory, expecting `code`; nothing may be left behind. */
    async function refused(content: Buffer, code: string, passphrase = passphraseFile): Promise<void> {
      const parent = paired.tmp.join(`bad-${code}-${Math.random().toString(16).slice(2)}`);
      mkdirSync(parent);
      writeFileSync(`${parent}/file`, content);
      const result = await hotline([
        "restore",
        `${parent}/file`,
        "--dir",
        `${parent}/station`,
        "--passphrase-file",
        passphrase,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^error ${code}: `));
      expect(readdirSync(parent)).toEqual(["file"]);
    }

    it("a truncated backup: BAD_BACKUP", async () => {
      await refused(bytes.subarray(0, bytes.length - 100), "BAD_BACKUP");
      await refused(bytes.subarray(0, 30), "BAD_BACKUP");
    });

    it("an altered byte in the database or the sealed keys: BAD_BACKUP", async () => {
      for (const at of [bytes.indexOf("SQLite format 3") + 200, bytes.length - 5]) {
        const altered = Buffer.from(bytes);
        altered[at] = (altered[at] as number) ^ 0x01;
        await refused(altered, "BAD_BACKUP");
      }
    });

    it("an altered header (another station's name): BAD_PASSPHRASE, as the seal covers the header", async () => {
      const text = bytes.toString("latin1").replace('"name":"Moscow"', '"name":"Moskva"');
      await refused(Buffer.from(text, "latin1"), "BAD_PASSPHRASE");
    });

    it("not a backup at all: BAD_BACKUP", async () => {
      await refused(Buffer.from("hello"), "BAD_BACKUP");
    });

    it("a wrong passphrase: BAD_PASSPHRASE", async () => {
      const wrong = paired.tmp.join("wrong-passphrase");
      writeFileSync(wrong, "incorrect horse battery staple\n");
      await refused(bytes, "BAD_PASSPHRASE", wrong);
    });

    it("into a directory that is not empty: STATION_EXISTS, the directory untouched", async () => {
      const dir = paired.tmp.join("not-empty");
      mkdirSync(dir);
      writeFileSync(`${dir}/notes.txt`, "keep me");
      const result = await hotline(["restore", file, "--dir", dir, "--passphrase-file", passphraseFile]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error STATION_EXISTS: /);
      expect(readdirSync(dir)).toEqual(["notes.txt"]);
    });

    it("into an empty directory it restores the whole station", async () => {
      const dir = paired.tmp.join("empty");
      mkdirSync(dir);
      const result = await hotline(["restore", file, "--dir", dir, "--passphrase-file", passphraseFile]);
      expect(result.code).toBe(0);
      expect(readdirSync(dir).sort()).toEqual([
        "hotline.db",
        "identity.key",
        "restored.json",
        "station.json",
        "tls.crt",
        "tls.key",
      ]);
      const whoami = await hotlineJson<{ id: string }>(["whoami", "--json", "--dir", dir]);
      expect(whoami.id).toBe(paired.moscow.id);
    });
  });
});
