/**
 * Building a line whose stations are processes: station 0 in the bench's process, every other a
 * `hotline start` child driven through its operator API, as its operator would drive it. The same
 * three rounds as {@link buildLine} (_line-build.ts: O(N) entries): station 1, station 2 (asking
 * station 1), then all the others at once (asking stations 1 and 2, who each approve all of them
 * in one entry). Invites are made at station 0 in-process (as `hotline invite` would make them);
 * `POST /api/accept` at each joiner; `POST /api/lines/:line/members/approve` at each approver.
 * Every wait is for a condition, polled over the API.
 */
import type { ChildProcess } from "node:child_process";
import type { ApiClient } from "../src/api/mod.js";
import type { RunningStation } from "../src/cli/mod.js";
import { HotlineError } from "../src/record/mod.js";
import { createInvite } from "../src/station/mod.js";
import { until } from "./_line-waits.js";

/** One station of the line run as a `hotline start` child. */
export interface LineChild {
  name: string;
  dir: string;
  child: ChildProcess;
  /** its operator API, as admin */
  api: ApiClient;
  id: string;
}

/**
 * @param n participants on the line
 * @returns how often a condition asks each child's API: every 50 ms × N, at most every second, so
 *   that the children together are asked about 20 times a second whatever N (each ask costs its
 *   child, and an answer about a line of N grows with N)
 */
export function pollMs(n: number): number {
  return Math.min(1_000, 50 * n);
}

/** Polls of a child's API that it left unanswered within the API client's 30 s, this run. */
export const unanswered = { polls: 0 };

/**
 * A condition asked of a child over its API: "not yet" when the child does not answer within the
 * API client's 30 s (counted in {@link unanswered}). A station sharing two cores with 56 others
 * while all of them catch up can leave its API that long; the condition is asked again.
 *
 * @param check the condition
 * @returns the condition, patient
 */
export function patient(check: () => Promise<boolean>): () => Promise<boolean> {
  return async () => {
    try {
      return await check();
    } catch (error) {
      if (!(error instanceof HotlineError && error.message.includes("no answer within"))) throw error;
      unanswered.polls++;
      return false;
    }
  };
}

/**
 * @param station a child station
 * @param line the line id
 * @returns its summary of the line (members, pending or not; entries held)
 */
export async function lineAt(station: LineChild, line: string) {
  const summary = (await station.api.call("GET /api/lines")).find((l) => l.id === line);
  if (summary === undefined) throw new Error(`${station.name} is not on the line`);
  return summary;
}

/**
 * @param station a child station
 * @param line the line id
 * @returns its status of the line: every other participant's outbox, link health and last test
 */
export async function statusAt(station: LineChild, line: string) {
  const status = (await station.api.call("GET /api/status")).lines.find((l) => l.id === line);
  if (status === undefined) throw new Error(`${station.name} is not on the line`);
  return status;
}

/**
 * Invites, pairs and approves the children onto the line station 0 created.
 *
 * @param first station 0, the line's creator (in this process)
 * @param children stations 1..N−1, running
 * @param line the line id
 * @param progress where to say how far it got (after each round, and what a slow round waits on)
 */
export async function buildLineByApi(
  first: RunningStation,
  children: readonly LineChild[],
  line: string,
  progress: (message: string) => void,
): Promise<void> {
  const all = children.length + 1;
  for (let on = 1; on < all;) {
    // Station k is children[k − 1]. Two stations join one at a time, then all the rest.
    const batch = children.slice(on - 1, on < 3 ? on : all - 1);
    // Consent is asked of every participant but the adder (station 0): the children on the line.
    const approvers = children.slice(0, on - 1);
    const asked = approvers.map((c) => c.id);
    const adds = await Promise.all(
      batch.map(async (joiner) => {
        const { invite } = await createInvite(first.station, {
          line,
          expiresInMs: 3_600_000,
          operator: "admin",
        });
        const accepted = await joiner.api.call("POST /api/accept", { body: { invite } });
        // The consent rules as the bench relies on them: the stations still pending are not asked.
        if ([...accepted.awaiting].sort().join() !== [...asked].sort().join()) {
          throw new Error(
            `${joiner.name} awaits ${accepted.awaiting.length} consents, not the ${asked.length} participants'`,
          );
        }
        return joiner.id;
      }),
    );
    await Promise.all(
      approvers.map(async (approver) => {
        await until(
          `${approver.name} to hold the round's ${adds.length} additions`,
          patient(async () => {
            const members = (await lineAt(approver, line)).participants;
            return adds.every((id) => members.some((m) => m.id === id));
          }),
          pollMs(children.length + 1),
        );
        await approver.api.call("POST /api/lines/:line/members/approve", {
          params: { line },
          body: { stations: adds },
        });
      }),
    );
    on += batch.length;
    await everyCounts(first, children.slice(0, on - 1), line, on, progress, all);
    progress(`${on} participants (a round of ${batch.length}, consented by ${asked.length} entries)`);
  }
}

/** Resolves once station 0 and each of `children` count `count` participants on the line. */
async function everyCounts(
  first: RunningStation,
  children: readonly LineChild[],
  line: string,
  count: number,
  progress: (message: string) => void,
  n: number,
): Promise<void> {
  const counts = new Map<string, number>();
  const started = Date.now();
  let said = started;
  const saying = setInterval(() => {
    // What a slow round waits on: the stations that count fewer so far.
    if (Date.now() - said < 15_000) return;
    said = Date.now();
    const short = [...counts].filter(([, c]) => c !== count);
    progress(
      `waiting ${Math.round((said - started) / 1000)} s: ${short.length} stations count fewer than ${count} participants (${short
        .slice(0, 8)
        .map(([name, c]) => `${name}: ${c}`)
        .join(", ")})`,
    );
  }, 1_000);
  try {
    await Promise.all([
      until(`station 0 to count ${count} participants`, async () => {
        const c = (await first.station.store.participants(line)).length;
        counts.set(first.station.config.name, c);
        return c === count;
      }),
      ...children.map((child) =>
        until(
          `${child.name} to count ${count} participants`,
          patient(async () => {
            const c = (await lineAt(child, line)).participants.filter((p) => !p.pending).length;
            counts.set(child.name, c);
            return c === count;
          }),
          pollMs(n),
        ),
      ),
    ]);
  } finally {
    clearInterval(saying);
  }
}
