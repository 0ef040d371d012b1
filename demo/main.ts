/**
 * The demo: the 2022 deconfliction lines, replayed. Five stations — Washington, Moscow, Paris,
 * Ankara, London — run as real station processes on loopback; the lines Moscow has in the seed
 * articles are paired; and a timeline built from those articles (docs/scenario.md) is replayed,
 * time-compressed, through the operator API: the line opened on 1 March 2022 and its presence
 * tests, the calls of 13 May, 21 October and 23 October with each side's readout, the notice
 * rules of the line, NATO's nuclear deterrence exercise of October 2022 notified and Moscow's
 * question about it answered, Moscow's own notified activities and the conflict both stations
 * compute, then every station's record is verified.
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
import { CLARIFICATION, GROM, MOSCOW_ZONES, PATROL, STEADFAST_NOON } from "./_notifications.js";
import {
  addPrivateZones,
  agreeNoticeRules,
  askAndAnswer,
  replayNotification,
  replayShift,
  sameConflictAtBothEnds,
} from "./_notify.js";
import { answerOnePresenceTest } from "./_presence.js";
import { BIN, startStations, stopStations, type DemoStation } from "./_stations.js";
import { CALLS, LINE_OPENS, LINES, STATIONS, type StationKey } from "./_timeline.js";

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
    "  Operators at each: admin (lines, pairing, settings, zones), duty-officer (an officer: messages,\n" +
      "  acknowledgements, notifications, questions), minister-office (a supervisor: calls, readouts).\n" +
      "  The record names who wrote each entry.",
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
    "The timeline, time-compressed: the record's own times are today's; each event carries its 2022 date in its text,\n" +
      "   topic or title; notified windows are moved to the days after today, as a notice rule needs.",
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
  const replayCallsOn = async (date: string) => {
    for (const call of CALLS.filter((c) => c.date === date)) {
      callIds.push({
        date: call.date,
        line: call.line,
        id: await replayCall(call, line(call.line), stations),
      });
    }
  };
  await replayCallsOn("13 May 2022");

  // October 2022: the notice rules first (the demo's), then the exercise, Moscow's question after
  // the 21 October call, and Moscow's own activities after the calls of 23 October. Windows are
  // moved to the days after today (docs/scenario.md): in 2022 they would all be years late.
  const washingtonMoscow = line("moscow-washington");
  const on = { line: washingtonMoscow, stations, shift: replayShift(Date.now()) };
  await agreeNoticeRules(washingtonMoscow, stations);
  const exercise = { spec: STEADFAST_NOON, view: await replayNotification(STEADFAST_NOON, on) };
  await replayCallsOn("21 Oct 2022");
  await askAndAnswer(CLARIFICATION, { line: washingtonMoscow, stations, notification: exercise.view });
  await replayCallsOn("23 Oct 2022");
  const patrol = { spec: PATROL, view: await replayNotification(PATROL, on) };
  const conflict = await sameConflictAtBothEnds(washingtonMoscow, {
    between: [exercise, patrol],
    date: PATROL.date,
    shift: on.shift,
  });
  await replayNotification(GROM, on);
  const atMoscow = await addPrivateZones(stations.moscow, { zones: MOSCOW_ZONES, shift: on.shift });
  event(
    "(today)",
    atMoscow.length === 1
      ? "neither crosses a notified volume: Moscow's only conflict is still the one shared with Washington"
      : `Moscow now lists ${atMoscow.length} conflicts`,
  );
  if (callIds.length !== CALLS.length)
    throw new Error("Cannot replay the timeline: a call has a date not replayed");

  step("Verification of every station's record (every hash, link and signature):");
  let intact = true;
  for (const s of started) {
    const station = await Station.open({ dir: s.dir });
    try {
      const report = await station.verify();
      intact &&= report.ok;
      console.log(
        `  ${s.name.padEnd(11)} ${report.ok ? "intact" : `${report.problems.length} PROBLEM(S)`}, ${report.entries} entries`,
      );
    } finally {
      await station.close();
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
  console.log(`  ${cli} notifications --line moscow-washington --dir ${stations.moscow.dir}`);
  console.log(`  ${cli} conflicts --dir ${stations.washington.dir}`);
  console.log(`  ${cli} alarms --dir ${stations.moscow.dir}`);
  console.log(
    `  ${cli} export --line moscow-london --format html --out ${join(root, "moscow-london.html")} --dir ${stations.london.dir}`,
  );

  console.log(
    `\nOn the map (each console's /map page): on moscow-washington, NATO's exercise, Moscow's patrol and Grom\n` +
      `  notified, and conflict ${conflict.id.slice(0, 12)} (${conflict.severity}) between the exercise and the patrol,\n` +
      `  a CONFLICT alarm at Washington and at Moscow. Moscow's map also shows its own protected zone and plan.`,
  );
  console.log(
    "\nThe consoles (sign in with an operator's name and password; an admin then enrols an authenticator app, TOTP):",
  );
  for (const s of started) {
    console.log(`  ${s.name.padEnd(11)} ${s.console}   map: ${new URL("map", s.console).href}`);
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
