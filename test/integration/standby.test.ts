/**
 * Active and standby: Washington runs as two `hotline start` processes (two data directories, one
 * store: its "primary" and "second-host" routes), Moscow as a plain station in this process. The
 * processes are killed (-9) and paused (SIGSTOP), as a host is lost or hangs.
 *
 * The store the pair shares: PostgreSQL (a throwaway server, a database per test), and SQLite (two
 * processes of one host sharing one file) for the split brain.
 */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startPostgres, type PostgresServer } from "../../src/pglab/mod.js";
import { hotline, hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
import {
  freePort,
  initStation,
  pairOnLine,
  startStation,
  stopStation,
  waitFor,
  type TestStation,
} from "../helpers/stations.js";

/**
 * Where the pair keeps its record: PostgreSQL, as a station run from two hosts does (every test);
 * and SQLite, two processes of one host sharing one file (the split brain only).
 */
const ENGINES = [
  { engine: "PostgreSQL", every: true },
  { engine: "SQLite", every: false },
] as const;

interface Entry {
  hash: string;
  author: string;
  seq: number;
  kind: string;
  body: { text?: string };
}
interface Status {
  role?: "active" | "standby";
  activeSince?: string;
}
interface Alarm {
  code: string;
  detail: string;
}

describe.each(ENGINES)("active and standby on $engine: one station on two processes", ({ engine, every }) => {
  let server: PostgresServer | null = null;
  let databases = 0;
  beforeAll(async () => {
    if (engine === "PostgreSQL") server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });
  /** Extra `hotline init` arguments saying where Washington's record lives (a fresh database each). */
  const pairStoreArgs = async (): Promise<string[]> =>
    server === null ? [] : ["--store", await server.createDatabase(`pair_${++databases}`)];

  let tmp: TempDir;
  let first: TestStation;
  let second: TestStation;
  let moscow: TestStation;
  let line: string;

  beforeEach(async () => {
    tmp = tempDir();
    const peerPort = await freePort();
    const apiPort = await freePort();
    const made = await hotlineJson<{ id: string; admin: { password: string } }>([
      "init",
      "--name",
      "Washington",
      "--dir",
      tmp.join("washington-a"),
      "--listen",
      `127.0.0.1:${peerPort}`,
      "--api",
      `127.0.0.1:${apiPort}`,
      ...(await pairStoreArgs()),
    ]);
    first = {
      name: "Washington-a",
      dir: tmp.join("washington-a"),
      id: made.id,
      peerPort,
      apiPort,
      process: null,
      running: null,
      output: "",
      adminPassword: made.admin.password,
    };
    second = { ...first, name: "Washington-b", dir: tmp.join("washington-b") };
    second.peerPort = await freePort();
    second.apiPort = await freePort();
    const setup = await hotline([
      "standby-setup",
      "--from",
      first.dir,
      "--dir",
      second.dir,
      "--listen",
      `127.0.0.1:${second.peerPort}`,
      "--api",
      `127.0.0.1:${second.apiPort}`,
    ]);
    expect(setup.code, setup.stderr).toBe(0);
    moscow = await initStation(tmp.join("moscow"), "Moscow");
    // The first to start takes the lease: the first directory, so that the line is opened there.
    await startStation(first, { process: true });
    await waitFor(async () => (await roleOf(first)) === "active", { what: "the first to be active" });
    await startStation(second, { process: true });
    await startStation(moscow);
    ({ line } = await pairOnLine(first, [moscow]));
  }, 60_000);

  afterEach(async () => {
    for (const station of [first, second]) {
      if (station.process !== null && station.process.exitCode === null) station.process.kill("SIGCONT");
    }
    await Promise.all([stopStation(first), stopStation(second), stopStation(moscow)]);
    tmp.remove();
  });

  const roleOf = async (station: TestStation): Promise<string | null> => {
    const status = await hotline(["status", "--json", "--dir", station.dir]);
    return status.code === 0 ? ((JSON.parse(status.stdout) as Status).role ?? null) : null;
  };
  const logAt = (dir: string) => hotlineJson<Entry[]>(["log", "--line", line, "--dir", dir]);
  const textsBy = (entries: Entry[], author: string) =>
    entries.filter((e) => e.author === author && e.kind === "text").map((e) => e.body.text ?? "");
  const send = (station: TestStation, text: string) =>
    hotline(["send", "--line", line, text, "--dir", station.dir]);

  /** Washington's own chain, as a station holds it: one entry at each seq, 1 to its head. */
  const expectOneChain = (entries: Entry[], where: string) => {
    const mine = entries.filter((e) => e.author === first.id);
    const bySeq = new Map<number, Set<string>>();
    for (const e of mine) bySeq.set(e.seq, (bySeq.get(e.seq) ?? new Set()).add(e.hash));
    const forked = [...bySeq].filter(([, hashes]) => hashes.size > 1).map(([seq]) => seq);
    expect(forked, `Washington's chain forked at ${where}`).toEqual([]);
    expect(
      [...bySeq.keys()].sort((a, b) => a - b),
      where,
    ).toEqual(mine.map((_, i) => i + 1));
  };
  const expectVerified = async (station: TestStation) => {
    const verified = await hotline(["verify", "--dir", station.dir]);
    expect(verified.code, `${station.name}: ${verified.stdout}${verified.stderr}`).toBe(0);
  };
  const expectNoForkAlarms = async () => {
    const alarms = await hotlineJson<Alarm[]>(["alarms", "--all", "--dir", moscow.dir]);
    expect(alarms.filter((a) => ["DIVERGENCE", "EQUIVOCATION"].includes(a.code))).toEqual([]);
  };

  it("split brain: an active paused (SIGSTOP) while the standby took over writes nothing when it wakes, and steps down", async () => {
    expect(await roleOf(second)).toBe("standby");
    // An operator signed in at the active: the session lives in the shared store.
    const signedIn = await fetch(`http://127.0.0.1:${first.apiPort}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ operator: "admin", password: first.adminPassword }),
    });
    expect(signedIn.status).toBe(200);
    const cookie = (signedIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const sessionAt = (station: TestStation) =>
      fetch(`http://127.0.0.1:${station.apiPort}/api/session`, { headers: { cookie } });
    const atStandby = await sessionAt(second);
    expect(atStandby.status).toBe(503);
    expect(((await atStandby.json()) as { error: { code: string } }).error.code).toBe("STANDBY");
    expect((await send(first, "before the pause")).code).toBe(0);
    const pid = first.process?.pid ?? 0;
    process.kill(pid, "SIGSTOP");
    await waitFor(async () => (await roleOf(second)) === "active", {
      what: "the standby to take over",
      timeoutMs: 20_000,
    });
    // The session made at the old active holds at the new one.
    const atNewActive = await sessionAt(second);
    expect(atNewActive.status).toBe(200);
    expect(((await atNewActive.json()) as { operator: { name: string } }).operator.name).toBe("admin");
    const during = await send(second, "while the old active is paused");
    expect(during.code, during.stderr).toBe(0);
    // Moscow writes too: the old active's outbox and link tests have something to take when it wakes.
    expect((await send(moscow, "Moscow during the pause")).code).toBe(0);
    await waitFor(
      async () => textsBy(await logAt(moscow.dir), first.id).includes("while the old active is paused"),
      {
        what: "Moscow to hold what the new active wrote",
        timeoutMs: 20_000,
      },
    );

    process.kill(pid, "SIGCONT");
    // The old one's first write or renewal is refused: it says it stepped down, and is the standby.
    await waitFor(() => first.output.includes("role.stepped_down"), {
      what: "the old active to step down",
      timeoutMs: 10_000,
    });
    await waitFor(async () => (await roleOf(first)) === "standby", {
      what: "the old active to be the standby",
    });
    const refused = await send(first, "through the old active");
    expect(refused.stderr).toMatch(/STANDBY/);
    expect((await send(second, "after the wake")).code).toBe(0);
    await waitFor(async () => textsBy(await logAt(moscow.dir), first.id).includes("after the wake"), {
      what: "Moscow to hold the last message",
      timeoutMs: 20_000,
    });

    const atWashington = await logAt(second.dir);
    const atMoscow = await logAt(moscow.dir);
    expectOneChain(atWashington, "Washington");
    expectOneChain(atMoscow, "Moscow");
    expect(textsBy(atMoscow, first.id)).toEqual([
      "before the pause",
      "while the old active is paused",
      "after the wake",
    ]);
    expect(textsBy(atWashington, first.id)).not.toContain("through the old active");
    await expectNoForkAlarms();
    await expectVerified(second);
    await expectVerified(moscow);
  }, 90_000);

  if (!every) return;

  it("kill -9 of the active while both sides send: the standby takes over within seconds, nothing told stored is lost or doubled", async () => {
    const told = { washington: [] as string[], moscow: [] as string[] };
    const toldAt = new Map<string, number>();
    let sending = true;
    const washingtonSender = (async () => {
      for (let i = 0; sending; i++) {
        const text = `Washington ${i}`;
        // Whichever process is active takes it; the other answers STANDBY (or is dead).
        for (const station of [first, second]) {
          if ((await send(station, text)).code === 0) {
            told.washington.push(text);
            toldAt.set(text, Date.now());
            break;
          }
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const moscowSender = (async () => {
      for (let i = 0; sending; i++) {
        const text = `Moscow ${i}`;
        if ((await send(moscow, text)).code === 0) told.moscow.push(text);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      await waitFor(() => told.washington.length >= 5 && told.moscow.length >= 5, {
        what: "messages to flow",
      });
      const killedAt = Date.now();
      first.process?.kill("SIGKILL");
      await waitFor(async () => (await roleOf(second)) === "active", {
        what: "the standby to take over",
        timeoutMs: 20_000,
        everyMs: 50,
      });
      const leaseTakenMs = Date.now() - killedAt;
      let receiptedMs = 0;
      await waitFor(
        async () => {
          const after = textsBy(await logAt(moscow.dir), first.id).filter(
            (t) => (toldAt.get(t) ?? 0) > killedAt,
          );
          if (after.length === 0) return false;
          receiptedMs = Date.now() - killedAt;
          return true;
        },
        { what: "Moscow to hold a message Washington wrote after the kill", timeoutMs: 30_000, everyMs: 100 },
      );
      console.log(
        `station failover: kill -9 -> lease taken ${leaseTakenMs} ms; kill -> next entry at Moscow ${receiptedMs} ms`,
      );
      expect(leaseTakenMs).toBeLessThan(10_000);
      await waitFor(() => told.washington.some((t) => (toldAt.get(t) ?? 0) > killedAt + 2_000), {
        what: "Washington to send on for two seconds more",
        timeoutMs: 20_000,
      });
    } finally {
      sending = false;
      await Promise.all([washingtonSender, moscowSender]);
    }

    // Every message an operator was told was stored arrives, once, at both stations.
    await waitFor(
      async () => {
        const w = await logAt(second.dir);
        const m = await logAt(moscow.dir);
        return (
          told.washington.every((t) => textsBy(m, first.id).includes(t)) &&
          told.moscow.every((t) => textsBy(w, moscow.id).includes(t))
        );
      },
      { what: "both outboxes to drain", timeoutMs: 30_000, everyMs: 250 },
    );
    const atWashington = await logAt(second.dir);
    const atMoscow = await logAt(moscow.dir);
    for (const [where, entries] of [
      ["Washington", atWashington],
      ["Moscow", atMoscow],
    ] as const) {
      expectOneChain(entries, where);
      const texts = [...textsBy(entries, first.id), ...textsBy(entries, moscow.id)];
      expect(texts.length, `a message doubled at ${where}`).toBe(new Set(texts).size);
      expect(textsBy(entries, first.id)).toEqual(expect.arrayContaining(told.washington));
      expect(textsBy(entries, moscow.id)).toEqual(expect.arrayContaining(told.moscow));
    }
    const alarms = await hotlineJson<Alarm[]>(["alarms", "--all", "--dir", second.dir]);
    const failover = alarms.find((a) => a.code === "FAILOVER");
    expect(failover?.detail).toMatch(/took over as the active process/);
    await expectNoForkAlarms();
    await expectVerified(second);
    await expectVerified(moscow);
  }, 120_000);

  it("a key rotated at the active: the other refuses to take over with the old key (STALE_KEY) until it is copied over", async () => {
    const rotated = await hotline(["key", "rotate", "--dir", first.dir]);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect((await send(first, "signed with the new key")).code).toBe(0);
    await stopStation(first); // a clean stop: the lease is given back at once
    await waitFor(() => second.output.includes("STALE_KEY"), { what: "the standby to refuse its old key" });
    // (between its tries it is the standby again: its servers reopen just after the refusal is logged)
    await waitFor(async () => (await roleOf(second)) === "standby", { what: "the standby to answer again" });
    copyFileSync(join(first.dir, "identity.key"), join(second.dir, "identity.key"));
    await waitFor(async () => (await roleOf(second)) === "active", { what: "the standby to take over" });
    expect((await send(second, "after the copy")).code).toBe(0);
    await waitFor(async () => textsBy(await logAt(moscow.dir), first.id).includes("after the copy"), {
      what: "Moscow to take what the new active signed",
      timeoutMs: 20_000,
    });
    await expectVerified(moscow);
  }, 60_000);
});
