/**
 * Consent to several stations in one entry: Washington and Moscow are on a line; Washington
 * invites Ankara and Berlin, and each waits for Moscow's consent only (a station still pending is
 * not asked about the next); Moscow's admin approves both at once (`member approve --all`), one
 * `member.approve` naming both additions, and both are then participants everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotline, hotlineJson } from "../helpers/cli.js";
import {
  initStation,
  startPairedStations,
  startStation,
  stopStation,
  waitFor,
  type PairedStations,
  type TestStation,
} from "../helpers/stations.js";

interface Listed {
  id: string;
  participants: { id: string; pending: boolean; awaiting: string[] }[];
}

interface LogEntry {
  author: string;
  kind: string;
  body: { of?: string | string[] };
}

let pair: PairedStations;
let joiners: TestStation[] = [];

beforeAll(async () => {
  pair = await startPairedStations();
  joiners = await Promise.all(
    ["Ankara", "Berlin"].map((name) => initStation(pair.tmp.join(name.toLowerCase()), name)),
  );
  for (const s of joiners) await startStation(s);
}, 60_000);

afterAll(async () => {
  for (const s of joiners) await stopStation(s);
  await pair.close();
});

async function participantsAt(station: TestStation, line: string): Promise<Listed["participants"]> {
  const lines = await hotlineJson<Listed[]>(["lines", "--json", "--dir", station.dir]);
  return lines.find((l) => l.id === line)?.participants ?? [];
}

describe("approving several stations at once", () => {
  it("one 'member approve --all' makes two pending stations participants, in one member.approve naming both", async () => {
    const { washington, moscow, line } = pair;
    for (const joiner of joiners) {
      const { invite } = await hotlineJson<{ invite: string }>([
        "invite",
        "--line",
        line,
        "--dir",
        washington.dir,
      ]);
      const joined = await hotlineJson<{ awaiting: string[] }>(["accept", invite, "--dir", joiner.dir]);
      expect(joined.awaiting, `${joiner.name} waits for Moscow only`).toEqual([moscow.id]);
    }
    await waitFor(async () => (await participantsAt(moscow, line)).filter((p) => p.pending).length === 2, {
      what: "Moscow to hold both additions",
    });

    const none = await hotline(["member", "approve", "--line", line, "--dir", moscow.dir]);
    expect(none.code, "neither stations named nor --all").not.toBe(0);
    expect(none.stderr).toContain("name the stations, or give --all");

    const approved = await hotlineJson<{ seq: number; approved: { member: string; awaiting: string[] }[] }>([
      "member",
      "approve",
      "--all",
      "--line",
      line,
      "--dir",
      moscow.dir,
      "--json",
    ]);
    expect(approved.approved).toEqual(
      expect.arrayContaining(joiners.map((j) => ({ member: j.id, awaiting: [] }))),
    );
    const approvals = (await hotlineJson<LogEntry[]>(["log", "--line", line, "--dir", moscow.dir])).filter(
      (e) => e.kind === "member.approve",
    );
    expect(approvals, "one entry for both").toHaveLength(1);
    expect(approvals[0]?.body.of).toHaveLength(2);

    for (const at of [washington, moscow, ...joiners]) {
      await waitFor(
        async () => {
          const on = await participantsAt(at, line);
          return on.length === 4 && on.every((p) => !p.pending);
        },
        { what: `${at.name} to count four participants`, everyMs: 200 },
      );
    }
    const again = await hotline(["member", "approve", "--all", "--line", line, "--dir", moscow.dir]);
    expect(again.code, "nothing is left awaiting Moscow").not.toBe(0);
    expect(again.stderr).toContain("awaits this station's consent");
  }, 120_000);
});
