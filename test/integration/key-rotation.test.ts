/**
 * Rotating a station's key while its line runs: the peer keeps receiving, receipts keep flowing,
 * both sides show the same new fingerprint and safety code, and the record (a bundle of it too)
 * verifies across the rotation.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotline, hotlineJson, hotlineProcess } from "../helpers/cli.js";
import {
  initStation,
  pairOnLine,
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
  kind: string;
  body: { text?: string };
  receipts: Record<string, string>;
}

interface LineSummary {
  id: string;
  participants: {
    id: string;
    name: string;
    fingerprint: string;
    safetyCode: string | null;
    keyChange: { at: string; key: string } | null;
  }[];
}

let paired: PairedStations;

beforeAll(async () => {
  paired = await startPairedStations();
});

afterAll(async () => {
  await paired?.close();
});

function log(station: TestStation): Promise<LogEntry[]> {
  return hotlineJson<LogEntry[]>(["log", "--line", paired.line, "--dir", station.dir]);
}

async function send(station: TestStation, text: string): Promise<void> {
  const sent = await hotline(["send", "--line", paired.line, "--dir", station.dir, text]);
  expect(sent.code, sent.stderr).toBe(0);
}

/** Waits until `to` holds `text` from `from`, and `from` holds `to`'s receipt for it. */
async function delivered(from: TestStation, to: TestStation, text: string): Promise<void> {
  await waitFor(
    async () => {
      const [sent, got] = await Promise.all([log(from), log(to)]);
      const mine = sent.find((e) => e.author === from.id && e.body.text === text);
      return (
        mine !== undefined && mine.receipts[to.id] !== undefined && got.some((e) => e.hash === mine.hash)
      );
    },
    { what: `${to.name} to receive and receipt '${text}'` },
  );
}

/** What `viewer` shows of `subject` on the line: its fingerprint and the safety code with it. */
async function shown(viewer: TestStation, subject: TestStation) {
  const lines = await hotlineJson<LineSummary[]>(["lines", "--dir", viewer.dir]);
  const line = lines.find((l) => l.id === paired.line);
  const other = viewer === subject ? undefined : line?.participants.find((p) => p.id !== viewer.id);
  const self = line?.participants.find((p) => p.id === subject.id);
  return { fingerprint: self?.fingerprint, safetyCode: other?.safetyCode, keyChange: self?.keyChange };
}

describe("hotline key rotate", () => {
  it("rotates Washington's key while the line runs: Moscow keeps receiving, both show the same new codes, and verify follows the key history", async () => {
    const { washington, moscow } = paired;
    await send(washington, "before the rotation");
    await delivered(washington, moscow, "before the rotation");
    const before = {
      atMoscow: await shown(moscow, washington),
      atWashington: await shown(washington, washington),
      codeAtWashington: (await shown(washington, moscow)).safetyCode,
    };
    expect(before.atMoscow.safetyCode).toBe(before.codeAtWashington);

    const rotated = await hotlineJson<{ fingerprint: string; lines: { id: string }[] }>([
      "key",
      "rotate",
      "--dir",
      washington.dir,
    ]);
    expect(rotated.lines.map((l) => l.id)).toEqual([paired.line]);
    expect(rotated.fingerprint).not.toBe(before.atWashington.fingerprint);

    await send(washington, "after the rotation");
    await delivered(washington, moscow, "after the rotation");
    await send(moscow, "heard you on the new key");
    await delivered(moscow, washington, "heard you on the new key");

    const whoami = await hotlineJson<{ id: string; fingerprint: string }>([
      "whoami",
      "--dir",
      washington.dir,
    ]);
    expect(whoami.id).toBe(washington.id);
    expect(whoami.fingerprint).toBe(rotated.fingerprint);
    const after = {
      atMoscow: await shown(moscow, washington),
      codeAtWashington: (await shown(washington, moscow)).safetyCode,
    };
    expect(after.atMoscow.fingerprint).toBe(rotated.fingerprint);
    expect(after.atMoscow.safetyCode).toBe(after.codeAtWashington);
    expect(after.atMoscow.safetyCode).not.toBe(before.atMoscow.safetyCode);

    // Moscow is told Washington's key changed until an operator there acknowledges it.
    expect(before.atMoscow.keyChange).toBeNull();
    expect(after.atMoscow.keyChange?.at).toMatch(/^\d{4}-/);
    const text = await hotline(["lines", "--dir", moscow.dir]);
    expect(text.stdout).toContain("KEY CHANGED at");
    const acked = await hotlineJson<{ safetyCode: string }>([
      "key",
      "ack",
      "Washington",
      "--line",
      paired.line,
      "--dir",
      moscow.dir,
    ]);
    expect(acked.safetyCode).toBe(after.codeAtWashington);
    expect((await shown(moscow, washington)).keyChange).toBeNull();

    for (const station of [washington, moscow]) {
      const verified = await hotlineJson<{ ok: boolean }>(["verify", "--dir", station.dir]);
      expect(verified.ok).toBe(true);
    }
    // Worker threads (a spawned CLI, from dist/) follow the key history too.
    const threaded = await hotlineProcess(["verify", "--workers", "2", "--json", "--dir", moscow.dir]);
    expect(JSON.parse(threaded.stdout)).toMatchObject({ ok: true });

    // A transcript says when the key changed, and to what.
    const md = paired.tmp.join("transcript.md");
    expect(
      (await hotline(["export", "--line", paired.line, "--format", "md", "--out", md, "--dir", moscow.dir]))
        .code,
    ).toBe(0);
    const transcript = readFileSync(md, "utf8");
    expect(transcript).toContain(`Washington: key changed`);
    expect(transcript).toContain(`to fingerprint ${rotated.fingerprint}`);

    // A bundle spanning the rotation verifies offline, exported by either side.
    for (const station of [moscow, washington]) {
      const file = paired.tmp.join(`${station.name}.bundle.json`);
      const exported = await hotline(["export", "--line", paired.line, "--out", file, "--dir", station.dir]);
      expect(exported.code, exported.stderr).toBe(0);
      const checked = await hotline(["verify", "--bundle", file, "--json"]);
      expect(checked.code, checked.stdout).toBe(0);
      expect(JSON.parse(checked.stdout)).toMatchObject({ ok: true });
    }
  });

  it("after the rotation Washington opens a new line that Paris joins, and joins one Moscow opens: messages flow, codes match, the records verify", async () => {
    const { washington, moscow } = paired;
    const whoami = await hotlineJson<{ fingerprint: string }>(["whoami", "--dir", washington.dir]);
    const paris = await initStation(paired.tmp.join("paris"), "Paris");
    await startStation(paris);
    try {
      // Washington opens a line: its genesis carries the key it holds now.
      const opened = await pairOnLine(washington, [paris], "paris-washington");
      const codes = async (viewer: TestStation, line: string) => {
        const lines = await hotlineJson<LineSummary[]>(["lines", "--dir", viewer.dir]);
        return lines.find((l) => l.id === line)?.participants ?? [];
      };
      const atParis = await codes(paris, opened.line);
      const atWashington = await codes(washington, opened.line);
      const washingtonAtParis = atParis.find((p) => p.id === washington.id);
      expect(washingtonAtParis?.fingerprint).toBe(whoami.fingerprint);
      expect(washingtonAtParis?.keyChange).toBeNull(); // paired with this key: no change to read aloud
      const parisAtWashington = atWashington.find((p) => p.id === paris.id);
      expect(parisAtWashington?.safetyCode).toBe(washingtonAtParis?.safetyCode);
      expect(opened.safetyCodes[0]).toBe(washingtonAtParis?.safetyCode);

      for (const [from, to, text] of [
        [washington, paris, "new line, new key"],
        [paris, washington, "heard on the new line"],
      ] as const) {
        const sent = await hotline(["send", "--line", opened.line, "--dir", from.dir, text]);
        expect(sent.code, sent.stderr).toBe(0);
        await waitFor(
          async () =>
            (await hotlineJson<LogEntry[]>(["log", "--line", opened.line, "--dir", to.dir])).some(
              (e) => e.body.text === text,
            ),
          { what: `${to.name} to receive '${text}'` },
        );
      }

      // Washington joins a line Moscow opens: its member claim carries its key in force.
      const joined = await pairOnLine(moscow, [washington], "moscow-washington-2");
      const sent = await hotline(["send", "--line", joined.line, "--dir", washington.dir, "joined rotated"]);
      expect(sent.code, sent.stderr).toBe(0);
      await waitFor(
        async () =>
          (await hotlineJson<LogEntry[]>(["log", "--line", joined.line, "--dir", moscow.dir])).some(
            (e) => e.body.text === "joined rotated",
          ),
        { what: "Moscow to receive Washington's entry on the new line" },
      );
      const washingtonAtMoscow = (await codes(moscow, joined.line)).find((p) => p.id === washington.id);
      expect(washingtonAtMoscow?.fingerprint).toBe(whoami.fingerprint);
      expect(joined.safetyCodes[0]).toBe(washingtonAtMoscow?.safetyCode);

      for (const station of [washington, moscow, paris]) {
        const verified = await hotlineJson<{ ok: boolean; problems: unknown[] }>([
          "verify",
          "--dir",
          station.dir,
        ]);
        expect(verified.ok).toBe(true);
      }
      const file = paired.tmp.join("paris-washington.bundle.json");
      const exported = await hotline(["export", "--line", opened.line, "--out", file, "--dir", paris.dir]);
      expect(exported.code, exported.stderr).toBe(0);
      const checked = await hotline(["verify", "--bundle", file, "--json"]);
      expect(JSON.parse(checked.stdout)).toMatchObject({ ok: true });
    } finally {
      await stopStation(paris);
    }
  });
});
