import { readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { havePostgres, startReplicatedPostgres, type ReplicatedPostgres } from "../../src/pglab/mod.js";
import { hotline, hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
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

/** What one send through the operator API got: stored (with its time) or refused (with the code). */
type Sent = { text: string; at: number } & (
  { stored: true } | { stored: false; status: number; code: string }
);

/** Sends through the station's operator API, as the console does; a refusal is an answer, not a throw. */
async function send(station: TestStation, line: string, text: string): Promise<Sent> {
  const lock = JSON.parse(readFileSync(join(station.dir, "station.lock"), "utf8")) as { api: string };
  const token = readFileSync(join(station.dir, "api.token"), "utf8").trim();
  const response = await fetch(`http://${lock.api}/api/lines/${line}/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ text }),
  });
  const answer = (await response.json()) as { seq?: number; error?: { code?: string } };
  const at = performance.now();
  if (response.ok) return { text, at, stored: true };
  return { text, at, stored: false, status: response.status, code: answer.error?.code ?? "?" };
}

/** The senders still running: stopped after the test whatever happened in it. */
const senders = new Set<{ stop(): Promise<void> }>();

/** Sends numbered texts one after another until told to stop, keeping every answer. */
function sender(station: TestStation, line: string, prefix: string) {
  const answers: Sent[] = [];
  let stop = false;
  const done = (async () => {
    for (let i = 0; !stop; i++) {
      answers.push(await send(station, line, `${prefix} ${i}`));
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const running = {
    answers,
    stored: () => answers.filter((a) => a.stored).map((a) => a.text),
    async stop() {
      stop = true;
      senders.delete(running);
      await done;
    },
  };
  senders.add(running);
  return running;
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
async function waitDelivered(from: TestStation, to: TestStation, line: string) {
  await waitFor(
    async () => {
      const [sent, got] = await Promise.all([log(from, line), log(to, line)]);
      const held = new Set(got.map((e) => e.hash));
      return sent
        .filter((e) => e.author === from.id)
        .every((e) => held.has(e.hash) && e.receipts[to.id] !== undefined);
    },
    { what: `${from.name}'s entries to reach ${to.name}, receipted`, timeoutMs: 60_000, everyMs: 250 },
  );
}

describe.skipIf(!havePostgres())("a station on a replicated PostgreSQL, when the primary dies", () => {
  let tmp: TempDir;
  let database: ReplicatedPostgres;
  let washington: TestStation;
  let moscow: TestStation;
  let line: string;

  beforeAll(async () => {
    tmp = tempDir();
    database = await startReplicatedPostgres();
    const url = await database.createDatabase("washington");
    [washington, moscow] = await Promise.all([
      initStation(tmp.join("washington"), "Washington", undefined, url),
      initStation(tmp.join("moscow"), "Moscow"),
    ]);
    await Promise.all([startStation(washington), startStation(moscow)]);
    line = (await pairOnLine(washington, [moscow])).line;
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...senders].map((s) => s.stop()));
    await Promise.all([stopStation(washington), stopStation(moscow)]);
    await database.stop();
    tmp.remove();
  });

  it("reconnects to the promoted standby by itself, loses nothing it acknowledged, and both records verify clean", async () => {
    const fromW = sender(washington, line, "W");
    const fromM = sender(moscow, line, "M");
    await waitFor(() => fromW.stored().length >= 30 && fromM.stored().length >= 30, {
      what: "messages flowing both ways",
      everyMs: 20,
    });

    // What Washington acknowledged before the primary dies: stored (API) or receipted (to Moscow).
    const killedAt = performance.now();
    const receiptedBefore = (await log(moscow, line))
      .filter((e) => e.author === moscow.id && e.receipts[washington.id] !== undefined)
      .map((e) => e.hash);
    await database.killPrimary();
    const storedBefore = fromW.stored();

    // The standby holds all of it before anyone promotes it (synchronous replication): read there,
    // as it replays what it received. (Not "until received = replayed": a record cut off by the
    // kill is received in part and never replayed; what was acknowledged was whole.)
    const standby = postgres(database.standbyUrl("washington"), { onnotice: () => {}, max: 1 });
    const missing = { receipted: receiptedBefore, stored: storedBefore };
    try {
      await waitFor(
        async () => {
          const held = await standby<{ hash: string; bytes: Buffer }[]>`SELECT hash, bytes FROM entries`;
          const hashes = new Set(held.map((r) => r.hash));
          const texts = new Set(
            held.map(
              (r) => (JSON.parse(r.bytes.toString("utf8")) as { body?: { text?: string } }).body?.text,
            ),
          );
          missing.receipted = receiptedBefore.filter((h) => !hashes.has(h));
          missing.stored = storedBefore.filter((t) => !texts.has(t));
          return missing.receipted.length === 0 && missing.stored.length === 0;
        },
        { what: "the standby to hold everything acknowledged", everyMs: 50, timeoutMs: 20_000 },
      ).catch(() => undefined);
      expect(missing).toEqual({ receipted: [], stored: [] });
    } finally {
      await standby.end();
    }

    // An HA manager takes a moment to decide; then it promotes. The station is not restarted.
    await new Promise((r) => setTimeout(r, 500));
    await database.promoteStandby();
    const promotedAt = performance.now();
    await waitFor(() => fromW.answers.some((a) => a.stored && a.at > promotedAt), {
      what: "Washington to store a message again after the promotion",
      timeoutMs: 30_000,
      everyMs: 20,
    });
    await waitFor(() => fromM.stored().length >= storedBefore.length + 30, {
      what: "Moscow's messages to go on",
      everyMs: 20,
    });
    await Promise.all([fromW.stop(), fromM.stop()]);

    // The outage as Washington's operators saw it: from the kill to the first message stored again.
    const refused = fromW.answers.filter((a) => !a.stored);
    const back = fromW.answers.find((a) => a.stored && a.at > killedAt);
    const outage = {
      killToStoredMs: Math.round((back?.at ?? Number.NaN) - killedAt),
      promoteToStoredMs: Math.round(
        (fromW.answers.find((a) => a.stored && a.at > promotedAt)?.at ?? Number.NaN) - promotedAt,
      ),
      refused: refused.length,
      codes: [...new Set(refused.map((a) => (a.stored ? "" : `${a.status} ${a.code}`)))],
    };
    console.log(`database failover as the station saw it: ${JSON.stringify(outage)}`);
    // Refusals say the database is away (503), never anything else.
    expect(outage.codes.every((c) => c === "503 STORE_UNAVAILABLE")).toBe(true);

    await Promise.all([waitDelivered(washington, moscow, line), waitDelivered(moscow, washington, line)]);
    const [atW, atM] = await Promise.all([log(washington, line), log(moscow, line)]);
    expect(atW.map((e) => e.hash)).toEqual(atM.map((e) => e.hash));
    expectChainsWhole(atW);
    // Every message either side's API said was stored is there, once, in order. A refused one is
    // not, but for at most the one whose commit was in flight when the primary died: committed,
    // its answer lost with the connection (an outcome no client can know; the operator sees it
    // in the log and does not resend blindly).
    const storedW = new Set(fromW.stored());
    const keptW = textsBy(atW, washington.id);
    expect(keptW.filter((t) => storedW.has(t))).toEqual(fromW.stored());
    const inDoubt = keptW.filter((t) => !storedW.has(t));
    expect(inDoubt.length).toBeLessThanOrEqual(1);
    expect(inDoubt.every((t) => fromW.answers.some((a) => a.text === t && !a.stored))).toBe(true);
    expect(textsBy(atW, moscow.id)).toEqual(fromM.stored());
    for (const station of [washington, moscow]) {
      const verify = await hotline(["verify", "--dir", station.dir]);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    }
  }, 180_000);
});
