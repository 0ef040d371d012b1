/**
 * Revoking a stolen key while the line runs, with three stations over real TLS: Washington revokes
 * its key; Moscow holds what Washington writes next until its admin accepts the re-pairing token
 * (having read the new safety code aloud), then it flows; an entry forged with the old key after
 * `since` is refused at Moscow (KEY_REVOKED); Paris, which has not accepted, does not take the new
 * key because Moscow did; verify is intact everywhere and names what an auditor must see.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signEntry, type Problem } from "../../src/record/mod.js";
import { readIdentityFile } from "../../src/station/core/key-files.js";
import type { Station } from "../../src/station/mod.js";
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

interface LogEntry {
  hash: string;
  author: string;
  kind: string;
  body: { text?: string };
}

interface Revoked {
  key: string;
  fingerprint: string;
  since: string;
  lines: { id: string; token: string; peers: { id: string; safetyCode: string }[] }[];
}

let paired: PairedStations;
let paris: TestStation;

beforeAll(async () => {
  paired = await startPairedStations();
  paris = await initStation(paired.tmp.join("paris"), "Paris");
  await startStation(paris);
  const { invite } = await hotlineJson<{ invite: string }>([
    "invite",
    "--line",
    paired.line,
    "--dir",
    paired.washington.dir,
  ]);
  await hotlineJson(["accept", invite, "--dir", paris.dir]);
  await waitFor(
    async () =>
      (await hotline(["member", "approve", "--line", paired.line, "Paris", "--dir", paired.moscow.dir]))
        .code === 0,
    { what: "Moscow to learn of Paris and consent", everyMs: 300 },
  );
}, 120_000);

afterAll(async () => {
  if (paris !== undefined) await stopStation(paris);
  await paired?.close();
});

function stationOf(s: TestStation): Station {
  const station = s.running?.station;
  if (station === undefined) throw new Error(`${s.name} is not running in this process`);
  return station;
}

function log(s: TestStation): Promise<LogEntry[]> {
  return hotlineJson<LogEntry[]>(["log", "--line", paired.line, "--dir", s.dir]);
}

async function send(s: TestStation, text: string): Promise<void> {
  const sent = await hotline(["send", "--line", paired.line, "--dir", s.dir, text]);
  expect(sent.code, sent.stderr).toBe(0);
}

async function holds(s: TestStation, what: (e: LogEntry) => boolean, label: string): Promise<void> {
  await waitFor(async () => (await log(s)).some(what), { what: label, everyMs: 300, timeoutMs: 90_000 });
}

/** What `at` answers when handed Washington's entry at seq (as Washington holds it). */
async function offer(at: TestStation, seq: number): Promise<string | null> {
  const w = stationOf(paired.washington);
  const entry = await w.store.entryAt(paired.line, paired.washington.id, seq);
  if (entry === null) throw new Error(`Washington holds no seq ${seq}`);
  const result = await stationOf(at).receive([JSON.parse(entry.bytes.toString("utf8")) as unknown]);
  return result.refused?.code ?? null;
}

describe("hotline key revoke", () => {
  it("holds Washington's new entries at Moscow until its admin accepts, then they flow; the old key is refused after since; Paris does not follow Moscow", async () => {
    const { washington, moscow } = paired;
    await send(washington, "before the theft was noticed");
    await holds(paris, (e) => e.body.text === "before the theft was noticed", "Paris to hear Washington");
    const stolen = readIdentityFile(join(washington.dir, "identity.key"));
    const since = new Date(Date.now() - 60 * 60_000).toISOString();

    const revoked = await hotlineJson<Revoked>(["key", "revoke", "--since", since, "--dir", washington.dir]);
    const onLine = revoked.lines.find((l) => l.id === paired.line);
    expect(onLine?.token).toMatch(/^hotline-revocation:/);
    expect(onLine?.peers.map((p) => p.id).sort()).toEqual([moscow.id, paris.id].sort());
    await send(washington, "on the new key");
    const w = stationOf(washington);
    const head = await w.store.head(paired.line, washington.id);
    const revokeSeq = (head?.seq ?? 0) - 1;

    // Moscow holds the revocation, raises an alarm, and holds back what follows it.
    await holds(moscow, (e) => e.kind === "key.revoke", "Moscow to receive the revocation");
    const alarms = await hotlineJson<{ code: string }[]>(["alarms", "--dir", moscow.dir]);
    expect(alarms.map((a) => a.code)).toContain("KEY_REVOKED");
    expect(await offer(moscow, revokeSeq + 1)).toBe("KEY_UNCONFIRMED");
    expect((await log(moscow)).some((e) => e.body.text === "on the new key")).toBe(false);
    // Moscow's status says so at Washington's row, and what to do.
    type Row = { id: string; revokedKey: { since: string } | null };
    const revokedAt = async (at: TestStation) =>
      (await hotlineJson<{ lines: { id: string; participants: Row[] }[] }>(["status", "--dir", at.dir])).lines
        .find((l) => l.id === paired.line)
        ?.participants.find((p) => p.id === washington.id)?.revokedKey;
    expect((await revokedAt(moscow))?.since).toBe(since);
    expect((await hotline(["status", "--dir", moscow.dir])).stdout).toMatch(
      /REVOKED ITS KEY.*hotline key accept/,
    );

    // Moscow's admin reads the new code aloud with Washington's, then accepts the token.
    const accepted = await hotlineJson<{ safetyCode: string; key: string }>([
      "key",
      "accept",
      "--token",
      onLine?.token ?? "",
      "--dir",
      moscow.dir,
    ]);
    expect(accepted.key).toBe(revoked.key);
    expect(accepted.safetyCode).toBe(onLine?.peers.find((p) => p.id === moscow.id)?.safetyCode);
    const after = await hotlineJson<{ code: string; clearedAt: string | null }[]>([
      "alarms",
      "--dir",
      moscow.dir,
    ]);
    expect(after.filter((a) => a.code === "KEY_REVOKED").map((a) => a.clearedAt !== null)).toEqual([true]);
    await holds(moscow, (e) => e.body.text === "on the new key", "Washington's entry to flow to Moscow");
    expect(await revokedAt(moscow)).toBeNull();
    expect((await revokedAt(paris))?.since).toBe(since); // Paris's admin has not accepted
    // Moscow shows Washington's new fingerprint; the code was read aloud, so no key change notice.
    const lines = await hotlineJson<
      { id: string; participants: { id: string; fingerprint: string; keyChange: unknown }[] }[]
    >(["lines", "--dir", moscow.dir]);
    const shown = lines.find((l) => l.id === paired.line)?.participants.find((p) => p.id === washington.id);
    expect(shown?.fingerprint).toBe(revoked.fingerprint);
    expect(shown?.keyChange).toBeNull();
    const again = await hotline(["key", "accept", "--token", onLine?.token ?? "", "--dir", moscow.dir]);
    expect(again.stderr).toContain("ALREADY_ACKED");

    // The thief, holding the old key, writes as Washington after since: refused at Moscow.
    const heldAtMoscow = await stationOf(moscow).store.head(paired.line, washington.id);
    const heads = await stationOf(moscow).store.heads(paired.line);
    const forged = signEntry(
      {
        v: 1,
        line: paired.line,
        author: washington.id,
        seq: (heldAtMoscow?.seq ?? 0) + 1,
        prev: heldAtMoscow?.hash ?? null,
        seen: Object.fromEntries(
          heads.filter((h) => h.author !== washington.id).map((h) => [h.author, h.hash]),
        ),
        time: new Date().toISOString(),
        kind: "text",
        body: { text: "the thief speaks", lang: "en", precedence: "FLASH", operator: "duty" },
      },
      stolen,
    );
    const refused = await stationOf(moscow).receive([JSON.parse(forged.bytes.toString("utf8")) as unknown]);
    expect(refused.refused?.code).toBe("KEY_REVOKED");

    // Paris holds Moscow's acknowledgement, but has not accepted: Washington still waits there.
    await holds(paris, (e) => e.kind === "key.revoke.ack", "Paris to receive Moscow's acknowledgement");
    expect(await offer(paris, revokeSeq + 1)).toBe("KEY_UNCONFIRMED");
    expect((await log(paris)).some((e) => e.body.text === "on the new key")).toBe(false);

    await holds(
      washington,
      (e) => e.kind === "key.revoke.ack",
      "Washington to receive Moscow's acknowledgement",
    );
    // verify: intact everywhere; what the revoked key signed after since is named, as a finding.
    for (const s of [washington, moscow, paris]) {
      const report = await stationOf(s).verify({ workers: 0 });
      expect(report.problems, s.name).toEqual([]);
      const flagged = report.findings.filter((f: Problem) => f.code === "KEY_REVOKED");
      expect(flagged.map((f) => f.author)).toContain(washington.id);
      // Moscow acknowledged the revocation on the record: nobody is told it is unconfirmed.
      expect(report.findings.map((f) => f.code)).not.toContain("KEY_UNCONFIRMED");
    }
    // A bundle exported by Paris (which has not accepted) verifies offline, with the same findings.
    const file = paired.tmp.join("revoked.bundle.json");
    const exported = await hotline(["export", "--line", paired.line, "--out", file, "--dir", paris.dir]);
    expect(exported.code, exported.stderr).toBe(0);
    const bundle = await hotline(["verify", "--bundle", file, "--json"]);
    expect(bundle.code, bundle.stdout).toBe(0);
    const offline = JSON.parse(bundle.stdout) as { ok: boolean; findings?: Problem[] };
    expect(offline.ok).toBe(true);
    expect(offline.findings?.map((f) => f.code)).toContain("KEY_REVOKED");
    const cli = await hotline(["verify", "--dir", moscow.dir]);
    expect(cli.code, cli.stdout).toBe(0);
    expect(cli.stdout).toContain("KEY_REVOKED");
  }, 180_000);
});
