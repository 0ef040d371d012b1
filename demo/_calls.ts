/**
 * Replays a call through the operator API as the people at both ends would make it: the minister's
 * office of one side asks, the other's accepts, the side that placed it records it held, each side
 * publishes its readout in its own language with its own English translation, and marks the
 * other's points.
 *
 * @module
 */
import type {} from "../src/station/mod.js";
import { arrived, settled, sidesOf, type DemoLine } from "./_lines.js";
import type { DemoStation } from "./_stations.js";
import type { CallEvent, StationKey } from "./_timeline.js";

/** What the demo prints: one line per event, dated with the event's 2022 date. */
export function event(date: string, text: string): void {
  console.log(`  ${date.padEnd(11)} — ${text}`);
}

/**
 * @param call the call as the timeline tells it
 * @param line its line
 * @param stations the stations by key
 * @returns the call's id (its request's hash)
 */
export async function replayCall(
  call: CallEvent,
  line: DemoLine,
  stations: Record<StationKey, DemoStation>,
): Promise<string> {
  const asker = stations[call.askedBy];
  const [, answerer] = sidesOf(line, asker);
  const requested = await asker.office.call("POST /api/lines/:line/calls", {
    params: { line: line.id },
    body: {
      level: call.level,
      topic: call.topic,
      proposedTime: call.start,
      participants: call.participants,
    },
  });
  const id = requested.hash;
  await arrived(line, id);
  const accepted = await answerer.office.call("POST /api/calls/:call/accept", {
    params: { call: id },
    body: {},
  });
  event(
    call.date,
    `${asker.name} asks ${answerer.name} for a ${call.level}-level call ("${call.topic}"); ${answerer.name} accepts (call ${id.slice(0, 12)})`,
  );
  await arrived(line, accepted.hash);
  const held = await asker.office.call("POST /api/calls/:call/held", {
    params: { call: id },
    body: { start: call.start, end: call.end, initiatedBy: asker.name },
  });
  event(
    call.date,
    `call held, ${duration(held.call.durationSeconds ?? 0)} (${call.start.slice(11, 16)}–${call.end.slice(11, 16)} UTC), initiated by ${held.call.initiatedBy?.stationName ?? asker.name}`,
  );

  const published: string[] = [];
  for (const station of [asker, answerer]) {
    const readout = call.readouts[keyOf(stations, station)];
    if (readout === undefined) {
      published.push(`none from ${station.name} (it gave no details)`);
      continue;
    }
    const made = await station.office.call("POST /api/calls/:call/readouts", {
      params: { call: id },
      body: {
        text: readout.text,
        lang: readout.lang,
      },
    });
    if (readout.english !== undefined) {
      await station.office.call("POST /api/translations", {
        body: { entry: made.hash, lang: "en", text: readout.english },
      });
    }
    published.push(
      `${station.name}'s (${readout.lang}, ${made.points} points${readout.english === undefined ? "" : ", with its own English translation"})`,
    );
  }
  await settled(line);
  event(call.date, `readouts: ${published.join("; ")}`);

  let view = await asker.admin.call("GET /api/calls/:call/readouts", { params: { call: id } });
  const comparison = view.comparisons[0];
  if (comparison !== undefined) {
    const via = (side: typeof comparison.a) => `${side.stationName}'s ${side.source}`;
    event(
      call.date,
      comparison.comparable
        ? `compared word by word in ${comparison.a.lang} (${via(comparison.a)}, ${via(comparison.b)}): both mention ${comparison.both.length} point(s); only ${comparison.a.stationName} ${comparison.onlyA.length}, only ${comparison.b.stationName} ${comparison.onlyB.length}`
        : `not compared: ${comparison.reason ?? "no common language"}`,
    );
  }

  for (const mark of call.marks) {
    const by = stations[mark.by];
    const on = stations[mark.on];
    const readout = view.readouts.find((r) => r.station === on.id && r.latest);
    const point = readout?.points.find((p) => p.text.includes(mark.pointWith));
    if (readout === undefined || point === undefined) {
      throw new Error(`Cannot mark ${on.name}'s readout of ${call.date}: no point says '${mark.pointWith}'`);
    }
    await by.office.call("POST /api/readouts/:readout/marks", {
      params: { readout: readout.hash },
      body: {
        point: point.index,
        verdict: mark.verdict,
        comment: mark.comment,
      },
    });
    event(
      call.date,
      `${by.name} marks ${on.name}'s point ${point.index} ${mark.verdict.toUpperCase()}: "${point.text}" — ${mark.comment}`,
    );
  }
  if (call.marks.length > 0) {
    await settled(line);
    view = await answerer.admin.call("GET /api/calls/:call/readouts", { params: { call: id } });
    event(
      call.date,
      `at ${answerer.name} too: ${view.agreed.length} point(s) agreed, ${view.disputed.length} disputed`,
    );
  }
  return id;
}

function keyOf(stations: Record<StationKey, DemoStation>, station: DemoStation): StationKey {
  const found = (Object.keys(stations) as StationKey[]).find((k) => stations[k].id === station.id);
  if (found === undefined) throw new Error(`Cannot find station ${station.name}`);
  return found;
}

/** @returns "1 h 2 min", "40 min" */
export function duration(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  const hours = Math.floor(minutes / 60);
  return hours === 0 ? `${minutes} min` : `${hours} h${minutes % 60 === 0 ? "" : ` ${minutes % 60} min`}`;
}
