/**
 * Waiting for a line of running stations to reach a state: receipts stored, heads equal
 * everywhere, any condition; by events where there are any, else by polling.
 */
import type { RunningStation } from "../src/cli/mod.js";
import type { HeadStatement } from "../src/record/mod.js";

/**
 * Resolves when every one of `peers` has a signed statement stored at `running` that holds its
 * chain on the line up to `seq` (the receipts), listening before it first looks so none is missed.
 */
export function receipted(
  running: RunningStation,
  line: string,
  peers: readonly string[],
  seq: number,
  timeoutMs = 60_000,
): Promise<void> {
  const station = running.station;
  const me = station.id;
  const waiting = new Set(peers);
  return new Promise<void>((done, fail) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      station.events.off("statement", check);
      if (error === undefined) done();
      else fail(error);
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `${waiting.size} of ${peers.length} receipts for seq ${seq} missing after ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    function check(statement: HeadStatement) {
      if (statement.line !== line || (statement.heads[me]?.seq ?? 0) < seq) return;
      waiting.delete(statement.station);
      if (waiting.size === 0) finish();
    }
    station.events.on("statement", check);
    void Promise.all(
      peers.map(async (p) => {
        if ((await station.store.coveredSeq(line, p, me)) >= seq) waiting.delete(p);
      }),
    ).then(() => {
      if (waiting.size === 0) finish();
    }, finish);
  });
}

/** Resolves once every station holds every participant's chain as far as its author holds it. */
export async function settled(stations: readonly RunningStation[], line: string): Promise<void> {
  await until("every station to hold the whole line", async () => {
    const heads = await Promise.all(
      stations.map(async (s) =>
        (await s.station.store.heads(line))
          .map((h) => `${h.author} ${h.seq}`)
          .sort()
          .join(),
      ),
    );
    // A chain exists once its author writes: the last to join has written nothing yet.
    return heads.every((h) => h === heads[0]);
  });
}

/**
 * Polls a condition every 10 ms, or `everyMs` (a check that asks another process over HTTP costs
 * that process; a bound of 5 minutes, or `boundMs`, only ends a hang).
 */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  everyMs = 10,
  boundMs = 300_000,
): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`the line bench gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
