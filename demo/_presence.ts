/**
 * "Tested once or twice daily": the line keeps its twice-daily presence schedule, and the demo
 * shows one presence test answered by setting a one-off slot a few seconds ahead, letting both
 * stations send their tests, answering them, and putting the schedule back.
 *
 * @module
 */
import { DEFAULT_SETTINGS, type LogEntry } from "../src/station/mod.js";
import { logAt, settled, type DemoLine } from "./_lines.js";
import { waitUntil } from "./_stations.js";

/**
 * @param line the line
 * @returns what happened, for a person: the slot, and whose test was answered where, by whom, how fast
 */
export async function answerOnePresenceTest(line: DemoLine): Promise<{ slot: string; answers: string[] }> {
  const { creator, joiner } = line;
  // Far enough ahead for the settings entry to reach the other end first (it takes milliseconds).
  const slot = new Date(Math.ceil((Date.now() + 1_500) / 1000) * 1000);
  // Six fields, seconds first: this second of this day only (croner, UTC).
  const once = `${slot.getUTCSeconds()} ${slot.getUTCMinutes()} ${slot.getUTCHours()} ${slot.getUTCDate()} ${slot.getUTCMonth() + 1} *`;
  await creator.admin.call("POST /api/lines/:line/settings", {
    params: { line: line.id },
    body: { presenceSchedule: once },
  });
  await settled(line);

  const testsIn = (log: LogEntry[]) => log.filter((e) => e.kind === "test");
  await waitUntil(
    async () => {
      const tests = testsIn(await logAt(creator, line));
      const authors = new Set(tests.map((t) => t.author));
      // Both stations send one within a second of the slot; after a few seconds, one will do.
      return authors.size === 2 || (authors.size === 1 && Date.now() > slot.getTime() + 5_000);
    },
    `the presence tests of ${slot.toISOString()} on ${line.name}`,
    20_000,
  );
  await creator.admin.call("POST /api/lines/:line/settings", {
    params: { line: line.id },
    body: {
      presenceSchedule: DEFAULT_SETTINGS.presenceSchedule,
    },
  });
  await settled(line);

  for (const [me, other] of [
    [creator, joiner],
    [joiner, creator],
  ] as const) {
    for (const test of testsIn(await logAt(me, line))) {
      if (test.author !== other.id || test.acks[me.id] !== undefined) continue;
      await me.officer.call("POST /api/acks", { body: { entry: test.hash } });
    }
  }
  await settled(line);

  const answers = testsIn(await logAt(creator, line)).map((test) => {
    const [by, ack] = Object.entries(test.acks).find(([station]) => station !== test.author) ?? [];
    const at = by === creator.id ? creator.name : joiner.name;
    return ack === undefined
      ? `${test.authorName}'s NOT answered`
      : `${test.authorName}'s answered at ${at} by ${ack.by} after ${seconds(test.time, ack.time)}`;
  });
  return { slot: slot.toISOString(), answers };
}

function seconds(from: string, to: string): string {
  return `${((Date.parse(to) - Date.parse(from)) / 1000).toFixed(1)} s`;
}
