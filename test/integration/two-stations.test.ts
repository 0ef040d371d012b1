import { spawn } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countSpawn, HOTLINE_BIN, hotline, hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
import { ON_POSTGRES } from "../helpers/station-db.js";
import {
  initStation,
  pairOnLine,
  startStation,
  stopStation,
  waitFor,
  type TestStation,
} from "../helpers/stations.js";

interface LogEntry {
  hash: string;
  author: string;
  seq: number;
  kind: string;
  body: { text?: string };
  receipts: Record<string, string>;
}

interface Status {
  running: boolean;
  lines: { id: string; participants: { id: string; connected: boolean; outbox: number }[] }[];
}

/** Sends through the station's operator API, as the console does: what the CLI's `send` does too. */
async function send(station: TestStation, line: string, text: string): Promise<{ seq: number }> {
  const lock = JSON.parse(readFileSync(join(station.dir, "station.lock"), "utf8")) as { api: string };
  const token = readFileSync(join(station.dir, "api.token"), "utf8").trim();
  const response = await fetch(`http://${lock.api}/api/lines/${line}/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ text }),
  });
  const answer = (await response.json()) as { seq: number };
  if (!response.ok) throw new Error(`send failed: ${JSON.stringify(answer)}`);
  return answer;
}

/** Sends texts in order, a few in flight at a time (as several operators would). */
async function sendAll(station: TestStation, line: string, texts: readonly string[], inFlight = 4) {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < texts.length) await send(station, line, texts[next++] as string);
    }),
  );
}

function log(station: TestStation, line: string): Promise<LogEntry[]> {
  return hotlineJson<LogEntry[]>(["log", "--line", line, "--dir", station.dir]);
}

function textsBy(entries: readonly LogEntry[], author: string): string[] {
  return entries.filter((e) => e.author === author && e.kind === "text").map((e) => e.body.text as string);
}

/** Every chain of the log runs 1, 2, 3… with nothing twice and nothing missing. */
function expectChainsWhole(entries: readonly LogEntry[]): void {
  const seqs = new Map<string, number[]>();
  for (const e of entries) seqs.set(e.author, [...(seqs.get(e.author) ?? []), e.seq]);
  for (const list of seqs.values()) {
    expect([...list].sort((a, b) => a - b)).toEqual(list.map((_, i) => i + 1));
  }
  expect(new Set(entries.map((e) => e.hash)).size).toBe(entries.length);
}

/** Waits until `to` holds every entry `from` holds, and `from` holds a receipt from `to` for each of its own. */
async function waitDelivered(from: TestStation, to: TestStation, line: string, timeoutMs = 60_000) {
  await waitFor(
    async () => {
      const [sent, got] = await Promise.all([log(from, line), log(to, line)]);
      const held = new Set(got.map((e) => e.hash));
      return sent
        .filter((e) => e.author === from.id)
        .every((e) => held.has(e.hash) && e.receipts[to.id] !== undefined);
    },
    { what: `${from.name}'s entries to reach ${to.name}, receipted`, timeoutMs, everyMs: 500 },
  );
}

describe("two stations over mutual TLS, Moscow as a real process (for kill -9)", () => {
  let tmp: TempDir;
  let washington: TestStation;
  let moscow: TestStation;
  let line: string;
  let safetyCode: string;

  beforeAll(async () => {
    tmp = tempDir();
    [washington, moscow] = await Promise.all([
      initStation(tmp.join("washington"), "Washington"),
      initStation(tmp.join("moscow"), "Moscow"),
    ]);
    // Moscow in its own process: a test kills it with -9.
    await Promise.all([startStation(washington), startStation(moscow, { process: true })]);
    const paired = await pairOnLine(washington, [moscow]);
    line = paired.line;
    safetyCode = paired.safetyCodes[0] as string;
  });

  afterAll(async () => {
    await Promise.all([stopStation(washington), stopStation(moscow)]);
    tmp.remove();
  });

  it("pairing shows both operators the same safety code, each listing the other", async () => {
    expect(safetyCode).toMatch(/^\d{5}( \d{5}){5}$/);
    for (const [here, there] of [
      [washington, moscow],
      [moscow, washington],
    ] as const) {
      const lines = await hotlineJson<
        { id: string; participants: { id: string; name: string; safetyCode: string | null }[] }[]
      >(["lines", "--dir", here.dir]);
      const other = lines.find((l) => l.id === line)?.participants.find((p) => p.id === there.id);
      expect(other).toMatchObject({ name: there.name, safetyCode });
    }
  });

  it("a second `start` on the same directory refuses with STATION_RUNNING", async () => {
    const again = await hotline(["start", "--dir", washington.dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error STATION_RUNNING: .*running already/);
  });

  it("200 messages each way, sent at the same time, arrive once and in order, receipted; both records are identical and verify clean", async () => {
    const fromW = Array.from({ length: 200 }, (_, i) => `W ${i}`);
    const fromM = Array.from({ length: 200 }, (_, i) => `M ${i}`);
    await Promise.all([sendAll(washington, line, fromW, 1), sendAll(moscow, line, fromM, 1)]);
    await Promise.all([waitDelivered(washington, moscow, line), waitDelivered(moscow, washington, line)]);

    const [atW, atM] = await Promise.all([log(washington, line), log(moscow, line)]);
    expect(atW.map((e) => e.hash)).toEqual(atM.map((e) => e.hash));
    expectChainsWhole(atW);
    // One at a time per side, so each side's chain order is its send order.
    expect(textsBy(atM, washington.id)).toEqual(fromW);
    expect(textsBy(atW, moscow.id)).toEqual(fromM);
    for (const station of [washington, moscow]) {
      const report = await hotlineJson<{ ok: boolean; entries: number }>(["verify", "--dir", station.dir]);
      expect(report).toMatchObject({ ok: true, entries: atW.length });
    }
  }, 120_000);

  it("kill -9 of the receiver mid-stream loses nothing: what was sent meanwhile arrives once, in order, after restart", async () => {
    const texts = Array.from({ length: 80 }, (_, i) => `during outage ${i}`);
    const sending = sendAll(washington, line, texts.slice(0, 60), 1);
    await waitFor(async () => textsBy(await log(moscow, line), washington.id).includes(texts[10] as string), {
      what: "the stream to be under way",
    });
    expect(await stopStation(moscow, "SIGKILL")).toBe("SIGKILL");
    await sending;
    await sendAll(washington, line, texts.slice(60), 1); // certainly after the kill
    const status = await hotlineJson<Status>(["status", "--dir", washington.dir]);
    const pending = status.lines.find((l) => l.id === line)?.participants[0];
    expect(pending?.outbox).toBeGreaterThan(0);

    await startStation(moscow);
    await waitDelivered(washington, moscow, line);
    const atM = await log(moscow, line);
    const got = textsBy(atM, washington.id).filter((t) => t.startsWith("during outage"));
    expect(got).toEqual(texts);
    expectChainsWhole(atM);
    expect((await hotlineJson<{ ok: boolean }>(["verify", "--dir", moscow.dir])).ok).toBe(true);
  }, 120_000);

  it("`send` to a stopped station is stored, and delivered with a receipt when it starts", async () => {
    await stopStation(washington);
    const offline = await hotline(["send", "--line", line, "--dir", washington.dir, "written while stopped"]);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toMatch(/stored; delivered when the station runs/);
    const status = await hotlineJson<Status>(["status", "--dir", washington.dir]);
    expect(status.running).toBe(false);
    expect(status.lines[0]?.participants[0]?.outbox).toBe(1);

    await startStation(washington);
    await waitDelivered(washington, moscow, line);
    expect(textsBy(await log(moscow, line), washington.id)).toContain("written while stopped");
  });

  it("`log --follow --json` streams each new entry as one JSON line as it arrives", async () => {
    // A process: it runs until interrupted (SIGINT).
    countSpawn();
    const follower = spawn(
      process.execPath,
      [HOTLINE_BIN, "log", "--follow", "--json", "--line", line, "--dir", moscow.dir],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    follower.stdout.on("data", (d: Buffer) => (out += d.toString()));
    try {
      const before = (await log(moscow, line)).length;
      await waitFor(() => out.split("\n").length > before, { what: "the existing entries" });
      await send(washington, line, "followed live");
      await waitFor(() => out.includes("followed live"), { what: "the new entry to be streamed" });
      const lines = out.trim().split("\n");
      const last = JSON.parse(lines[lines.length - 1] as string) as LogEntry;
      expect(last).toMatchObject({ author: washington.id, kind: "text", body: { text: "followed live" } });
      expect(lines.length).toBe(before + 1);
    } finally {
      follower.kill("SIGINT");
    }
  });

  it("a station restored from an older copy of its data directory catches up and converges", async () => {
    await stopStation(moscow);
    const backup = tmp.join("moscow-backup");
    cpSync(moscow.dir, backup, { recursive: true });
    // On PostgreSQL the directory names the database, which is not copied with it: the older copy
    // of the record is a `hotline backup` taken at the same moment (restored below as SQLite).
    const olderRecord = tmp.join("moscow-record.backup");
    if (ON_POSTGRES) await hotlineJson(["backup", "--out", olderRecord, "--dir", moscow.dir]);
    await startStation(moscow);
    const later = Array.from({ length: 30 }, (_, i) => `after the backup ${i}`);
    await sendAll(washington, line, later, 1);
    await waitDelivered(washington, moscow, line);
    const current = await log(moscow, line);

    // Disaster: Moscow's disk is lost; it is restored from the backup, which lacks all of that.
    await stopStation(moscow);
    rmSync(moscow.dir, { recursive: true });
    if (ON_POSTGRES) {
      await hotlineJson(["restore", olderRecord, "--dir", moscow.dir]);
      for (const file of readdirSync(backup)) {
        if (file !== "store.url" && !existsSync(join(moscow.dir, file))) {
          cpSync(join(backup, file), join(moscow.dir, file), { recursive: true });
        }
      }
    } else cpSync(backup, moscow.dir, { recursive: true });
    expect((await log(moscow, line)).length).toBeLessThan(current.length);

    await startStation(moscow);
    await waitFor(async () => (await log(moscow, line)).length === current.length, {
      what: "Moscow to catch up",
      everyMs: 300,
    });
    const restored = await log(moscow, line);
    expect(restored.map((e) => e.hash)).toEqual(current.map((e) => e.hash));
    await send(washington, line, "after the restore");
    await waitDelivered(washington, moscow, line);
    expect((await hotlineJson<{ ok: boolean }>(["verify", "--dir", moscow.dir])).ok).toBe(true);
  });

  it("a third station joins by a further invite, catches up on the whole record, and all three then talk", async () => {
    const ankara = await initStation(tmp.join("ankara"), "Ankara");
    await startStation(ankara);
    try {
      const { invite } = await hotlineJson<{ invite: string }>([
        "invite",
        "--line",
        line,
        "--dir",
        washington.dir,
      ]);
      const joined = await hotlineJson<{ peer: { id: string }; safetyCode: string; awaiting: string[] }>([
        "accept",
        invite,
        "--dir",
        ankara.dir,
      ]);
      expect(joined.peer.id).toBe(washington.id);
      // Moscow is on the line too: nothing of it reaches Ankara before Moscow consents.
      expect(joined.awaiting).toEqual([moscow.id]);
      type Listed = { id: string; participants: { id: string; pending: boolean; awaiting: string[] }[] }[];
      const ankaraAt = async (s: TestStation) =>
        (await hotlineJson<Listed>(["lines", "--json", "--dir", s.dir]))
          .find((l) => l.id === line)
          ?.participants.find((p) => p.id === ankara.id);
      await waitFor(async () => (await ankaraAt(moscow))?.pending === true, {
        what: "Moscow to learn that Washington added Ankara",
        everyMs: 300,
      });
      expect((await log(ankara, line)).length).toBeLessThanOrEqual(1); // the genesis at most
      const approved = await hotlineJson<{ awaiting: string[] }>([
        "member",
        "approve",
        "--line",
        line,
        "Ankara",
        "--dir",
        moscow.dir,
        "--json",
      ]);
      expect(approved.awaiting).toEqual([]);
      const atW = await log(washington, line);
      // Washington's outbox backed off while Ankara waited for Moscow's consent (up to 30 s ± 50 %).
      await waitFor(async () => (await log(ankara, line)).length >= atW.length, {
        what: "Ankara to catch up",
        everyMs: 300,
        timeoutMs: 120_000,
      });
      expect((await log(ankara, line)).slice(0, atW.length).map((e) => e.hash)).toEqual(
        atW.map((e) => e.hash),
      );

      await send(moscow, line, "Moscow to all");
      await send(ankara, line, "Ankara to all");
      for (const [from, to] of [
        [moscow, ankara],
        [ankara, moscow],
        [ankara, washington],
        [moscow, washington],
      ] as const) {
        await waitDelivered(from, to, line);
      }
      const logs = await Promise.all([washington, moscow, ankara].map((s) => log(s, line)));
      expect(logs[1]?.map((e) => e.hash)).toEqual(logs[0]?.map((e) => e.hash));
      expect(logs[2]?.map((e) => e.hash)).toEqual(logs[0]?.map((e) => e.hash));
      // Moscow and Ankara never paired directly, yet see the same safety code for each other.
      const codeOf = async (here: TestStation, there: TestStation) =>
        (
          await hotlineJson<{ id: string; participants: { id: string; safetyCode: string | null }[] }[]>([
            "lines",
            "--dir",
            here.dir,
          ])
        )
          .find((l) => l.id === line)
          ?.participants.find((p) => p.id === there.id)?.safetyCode;
      expect(await codeOf(moscow, ankara)).toBe(await codeOf(ankara, moscow));
      expect(await codeOf(ankara, washington)).toBe(joined.safetyCode);
    } finally {
      await stopStation(ankara);
    }
  }, 240_000);
});
