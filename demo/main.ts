/**
 * The demo: the 2022 deconfliction lines, replayed. Five stations — Washington, Moscow, Paris,
 * Ankara, London — run as real station processes on loopback; the lines Moscow has in the seed
 * articles are paired; and a timeline built from those articles (docs/scenario.md) is replayed,
 * time-compressed, through the operator API: the line opened on 1 March 2022 and its presence
 * tests, the calls of 13 May, 21 October and 23 October with each side's readout, then every
 * station's record is verified.
 *
 *   npm run demo                          runs until Ctrl-C, data in a fresh temporary directory
 *   npm run demo -- --once --dir DIR      keeps DIR/washington, DIR/moscow, … and exits 0 when done
 */
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_SETTINGS, Station } from "../src/station/mod.js";
import { event, replayCall } from "./_calls.js";
import { pairLine, sendAndAck, type DemoLine } from "./_lines.js";
import { answerOnePresenceTest } from "./_presence.js";
import { BIN, startStations, stopStations, type DemoStation } from "./_stations.js";
import { CALLS, LINE_OPENS, LINES, STATIONS, TO_COME, type StationKey } from "./_timeline.js";

const { values } = parseArgs({
  options: { dir: { type: "string" }, once: { type: "boolean", default: false } },
  strict: true,
});
const root = values.dir === undefined ? mkdtempSync(join(tmpdir(), "hotline-demo-")) : resolve(values.dir);
mkdirSync(root, { recursive: true });
for (const { key } of STATIONS) {
  if (existsSync(join(root, key))) {
    console.error(`error STATION_EXISTS: ${join(root, key)} exists already; give the demo an empty --dir`);
    process.exit(1);
  }
}

// Ctrl-C at any time stops the stations cleanly; while the demo is still replaying, it then exits 130.
let replaying = true;
let interrupted = false;
const signalled = new Promise<void>((done) => {
  process.once("SIGINT", done);
  process.once("SIGTERM", done);
});
void signalled.then(async () => {
  if (!replaying) return;
  interrupted = true;
  console.error("Interrupted: stopping the stations.");
  await stopStations();
  process.exit(130);
});

const began = Date.now();
try {
  console.log(
    "hotline demo: the 2022 deconfliction lines, replayed from three news articles (docs/scenario.md).",
  );

  step("Five stations start, each a real `hotline start` process on loopback:");
  const started = await startStations(root, STATIONS);
  const stations = Object.fromEntries(STATIONS.map((s, i) => [s.key, started[i]])) as Record<
    StationKey,
    DemoStation
  >;
  for (const s of started) console.log(`  ${s.name.padEnd(11)} ${s.dir}  (writes in ${s.lang})`);
  console.log(
    "  Operators at each: admin (lines, pairing, settings), duty-officer (an officer: messages, acknowledgements),\n" +
      "  minister-office (a supervisor: calls, readouts). The record names who wrote each entry.",
  );

  step("The lines Moscow has in the articles, each paired with a one-use invite. Safety codes, read aloud:");
  const lines = await Promise.all(
    LINES.map((l) => pairLine(l.name, stations[l.creator], stations[l.joiner])),
  );
  const lineNamed = new Map(lines.map((l) => [l.name, l]));
  const line = (name: string): DemoLine => lineNamed.get(name) as DemoLine;
  for (const l of lines) {
    const same = l.codes.atCreator === l.codes.atJoiner;
    console.log(`  ${l.name.padEnd(18)} opened by ${l.creator.name}, joined by ${l.joiner.name}`);
    console.log(
      `  ${"".padEnd(18)} ` +
        (same
          ? `safety code ${l.codes.atCreator} at both ends: the same, nobody sits in between`
          : `THE SAFETY CODES DIFFER (${l.codes.atCreator} / ${l.codes.atJoiner}): do not use this line`),
    );
  }

  step(
    "The timeline, time-compressed: the record's own times are today's; each event carries its 2022 date in its text or topic.",
  );
  event("1 Mar 2022", "the deconfliction line moscow-washington opens (paired above)");
  for (const message of LINE_OPENS) {
    const from = stations[message.from];
    await sendAndAck(line(message.line), from, message);
    event(message.date, `${message.summary} (duty officers)`);
  }
  event(
    "1 Mar 2022",
    `from now on the line is tested twice daily: presence tests at 06:00 and 18:00 UTC ('${DEFAULT_SETTINGS.presenceSchedule}'), each answered by a person`,
  );
  const presence = await answerOnePresenceTest(line("moscow-washington"));
  event(
    "(today)",
    `one test slot set for ${presence.slot.slice(11, 19)} UTC, then the schedule put back: ${presence.answers.join("; ")}`,
  );
  const callIds: { date: string; line: string; id: string }[] = [];
  for (const call of CALLS) {
    callIds.push({ date: call.date, line: call.line, id: await replayCall(call, line(call.line), stations) });
  }
  event("(to come)", TO_COME);

  step("Verification of every station's record (every hash, link and signature):");
  let intact = true;
  for (const s of started) {
    const station = Station.open({ dir: s.dir });
    try {
      const report = await station.verify();
      intact &&= report.ok;
      console.log(
        `  ${s.name.padEnd(11)} ${report.ok ? "intact" : `${report.problems.length} PROBLEM(S)`}, ${report.entries} entries`,
      );
    } finally {
      station.close();
    }
  }
  if (!intact) process.exitCode = 1;
  console.log(`\nReplayed in ${((Date.now() - began) / 1000).toFixed(1)} s.`);

  const cli = `node ${BIN}`;
  const october21 = callIds.find((c) => c.date === "21 Oct 2022")?.id.slice(0, 12) ?? "ID";
  console.log(`\nData kept in ${root}. Try, in another terminal:`);
  console.log(`  ${cli} calls --line moscow-washington --dir ${stations.moscow.dir}`);
  console.log(`  ${cli} readouts --call ${october21} --dir ${stations.washington.dir}`);
  console.log(`  ${cli} log --line moscow-paris --dir ${stations.paris.dir}`);
  console.log(
    `  ${cli} export --line moscow-london --format html --out ${join(root, "moscow-london.html")} --dir ${stations.london.dir}`,
  );

  console.log("\nThe consoles (sign in with an operator's name and password):");
  for (const s of started) {
    console.log(`  ${s.name.padEnd(11)} ${s.console}`);
    for (const o of s.operators)
      console.log(`      ${o.name.padEnd(16)} ${o.password}   ${o.role}: ${o.duty}`);
  }
  replaying = false;
  if (values.once) {
    await stopStations();
  } else {
    console.log("\nAll five stations keep running; Ctrl-C stops them.");
    await signalled;
    await stopStations();
  }
} catch (error) {
  replaying = false;
  if (interrupted) await new Promise(() => undefined); // the signal's handler stops and exits
  console.error(`error ${(error as { code?: string }).code ?? "DEMO"}: ${(error as Error).message}`);
  process.exitCode = 1;
  await stopStations();
}

function step(text: string): void {
  console.log(`\n== ${text}`);
}
