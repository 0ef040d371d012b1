/**
 * Replays the notifications chapter through the operator API, as the people at both ends would
 * write it: the notice rules proposed by one side and set on the line by the other, notifications
 * by the duty officers, a question and its answer, and the conflict both stations compute alike;
 * then the zones one station keeps to itself.
 *
 * @module
 */
import type { Volume } from "../src/record/mod.js";
import type { Conflict, LineSettings, NotificationView } from "../src/station/mod.js";
import { event } from "./_calls.js";
import { arrived, sendAndAck, settled, sidesOf, type DemoLine } from "./_lines.js";
import {
  NOTICE_HOURS,
  NOTICE_PROPOSAL,
  REPLAY_ANCHOR,
  REPLAY_DAYS_AHEAD,
  type ClarificationEvent,
  type NotificationEvent,
  type ZoneSpec,
} from "./_notifications.js";
import { waitUntil, type DemoStation } from "./_stations.js";
import type { StationKey } from "./_timeline.js";

const DAY = 86_400_000;

/**
 * @param now the time of the replay (ms)
 * @returns how far to move a 2022 time (ms) so that {@link REPLAY_ANCHOR} lands on midnight UTC
 *   of the fourth day after `now`'s
 */
export function replayShift(now: number): number {
  return Math.floor(now / DAY) * DAY + REPLAY_DAYS_AHEAD * DAY - Date.parse(REPLAY_ANCHOR);
}

function moved(iso: string, shift: number): string {
  return new Date(Date.parse(iso) + shift).toISOString();
}

/**
 * One side proposes the notice rules in a message; the other's duty officer acknowledges it, and
 * its admin sets them on the line, so the record holds both the proposal and the agreement.
 *
 * @param line the line
 * @param stations the stations by key
 * @returns the settings in force at the proposing end afterwards
 */
export async function agreeNoticeRules(
  line: DemoLine,
  stations: Record<StationKey, DemoStation>,
): Promise<LineSettings> {
  const proposer = stations[NOTICE_PROPOSAL.from];
  const [, agreer] = sidesOf(line, proposer);
  await sendAndAck(line, proposer, NOTICE_PROPOSAL);
  await agreer.admin.call("POST /api/lines/:line/settings", {
    params: { line: line.id },
    body: { noticeHours: NOTICE_HOURS },
  });
  await settled(line);
  const settingsAt = async (station: DemoStation) =>
    (await station.admin.call("GET /api/lines")).find((l) => l.id === line.id)?.settings;
  const [atProposer, atAgreer] = await Promise.all([settingsAt(proposer), settingsAt(agreer)]);
  if (atProposer === undefined || JSON.stringify(atProposer) !== JSON.stringify(atAgreer)) {
    throw new Error(`Cannot agree notice rules on ${line.name}: the two ends apply different settings`);
  }
  const rules = Object.entries(atProposer.noticeHours)
    .map(([type, hours]) => `${type} ${hours} h ahead`)
    .join(", ");
  event(
    NOTICE_PROPOSAL.date,
    `${NOTICE_PROPOSAL.summary}; ${agreer.name}'s admin sets them on the line (line.settings), and both ends apply them: ` +
      `${rules}; a volume's window at most ${atProposer.maxWindowHours} h (the default)`,
  );
  return atProposer;
}

/**
 * A duty officer notifies; once both ends hold the notification, both are read back.
 *
 * @param spec the notification, with its 2022 windows
 * @param options its line, the stations by key, and how far to move its windows (see {@link replayShift})
 * @returns the notification as the receiving end sees it
 */
export async function replayNotification(
  spec: NotificationEvent,
  { line, stations, shift }: { line: DemoLine; stations: Record<StationKey, DemoStation>; shift: number },
): Promise<NotificationView> {
  const from = stations[spec.from];
  const [, to] = sidesOf(line, from);
  const volumes: Volume[] = spec.volumes.map(({ volume }) => ({
    ...volume,
    time: { start: moved(volume.time.start, shift), end: moved(volume.time.end, shift) },
  }));
  const made = await from.officer.call("POST /api/lines/:line/notifications", {
    params: { line: line.id },
    body: {
      type: spec.type,
      title: spec.title,
      description: spec.description,
      volumes,
    },
  });
  await settled(line);
  const [atFrom, atTo] = await Promise.all([
    notificationAt(from, line, made.hash),
    notificationAt(to, line, made.hash),
  ]);
  // Each end judges notice from when it first held the notification, so the margins differ by the
  // time delivery took (and the rounding to a thousandth of an hour may fall either side of it).
  const deliveryHours = Math.abs(Date.parse(atTo.givenAt) - Date.parse(atFrom.givenAt)) / 3_600_000;
  const apart = Math.abs((atFrom.marginHours ?? 0) - (atTo.marginHours ?? 0));
  if (atFrom.late !== atTo.late || apart > deliveryHours + 0.0015) {
    throw new Error(`Cannot replay '${spec.title}': the two ends judge its notice differently`);
  }
  const first = spec.volumes[0]?.volume.time;
  const bands = spec.volumes
    .map((v) => `${v.name} ${metres(v.volume.altitude.minMeters)}–${metres(v.volume.altitude.maxMeters)} m`)
    .join("; ");
  event(
    spec.date,
    `${from.name} notifies "${spec.title}" (${spec.type}, notification ${made.hash.slice(0, 12)}): ${bands}; ` +
      `first window ${utc(first?.start)} to ${utc(first?.end)} UTC, replayed as ${utc(volumes[0]?.time.start)} to ${utc(volumes[0]?.time.end)}`,
  );
  event(spec.date, `at ${to.name} too: ${noticeOf(atTo)}`);
  return atTo;
}

/**
 * One side asks about a notification (`clarify`), the other answers (`clarify.answer`).
 *
 * @param spec the question and the answer
 * @param options the notification asked about, its line, the stations by key
 */
export async function askAndAnswer(
  spec: ClarificationEvent,
  {
    notification,
    line,
    stations,
  }: { notification: NotificationView; line: DemoLine; stations: Record<StationKey, DemoStation> },
): Promise<void> {
  const asker = stations[spec.askedBy];
  const [, answerer] = sidesOf(line, asker);
  const question = await asker.officer.call("POST /api/notifications/:entry/clarify", {
    params: { entry: notification.id },
    body: { question: `${spec.question} (${spec.english})` },
  });
  await arrived(line, question.hash);
  event(
    spec.date,
    `${asker.name}'s duty officer asks about it (clarify, in Russian with its own English): "${spec.english}"`,
  );
  await answerer.officer.call("POST /api/clarifications/:entry/answer", {
    params: { entry: question.hash },
    body: { text: spec.answer },
  });
  await settled(line);
  event(spec.date, `${answerer.name}'s duty officer answers (clarify.answer): "${spec.answer}"`);
  const answered = await Promise.all(
    [asker, answerer].map(async (s) => {
      const view = await notificationAt(s, line, notification.id);
      return view.clarifications.find((q) => q.hash === question.hash)?.answers.length ?? 0;
    }),
  );
  if (answered.some((n) => n !== 1)) {
    throw new Error(`Cannot replay the question of ${spec.date}: its answer is not at both ends`);
  }
  event(spec.date, `at both ends: the question and its answer, beside the notification`);
}

/** A notification as replayed, with the spec it was made from. */
export interface Notified {
  view: NotificationView;
  spec: NotificationEvent;
}

/**
 * Waits until both ends of the line list the conflict between two notifications, with the same
 * id, and have raised a CONFLICT alarm for it.
 *
 * @param line the line
 * @param options the two notifications, the date to print, how far their windows were moved
 * @returns the conflict
 */
export async function sameConflictAtBothEnds(
  line: DemoLine,
  { between, date, shift }: { between: readonly [Notified, Notified]; date: string; shift: number },
): Promise<Conflict> {
  const [x, y] = between;
  const sides = [line.creator, line.joiner];
  const named = (c: Conflict) => [c.a, c.b].sort().join() === [x.view.hash, y.view.hash].sort().join();
  let found: (Conflict | undefined)[] = [];
  await waitUntil(async () => {
    found = await Promise.all(
      sides.map(async (s) =>
        (await s.admin.call("GET /api/conflicts", { query: { line: line.id } })).find(named),
      ),
    );
    return found.every((c) => c !== undefined && c.id === found[0]?.id);
  }, `both ends of ${line.name} to list the conflict between '${x.spec.title}' and '${y.spec.title}'`);
  const conflict = found[0] as Conflict;
  await waitUntil(
    async () =>
      (await Promise.all(sides.map((s) => s.admin.call("GET /api/alarms")))).every((alarms) =>
        alarms.some((a) => a.code === "CONFLICT" && a.entry === conflict.id && a.clearedAt === null),
      ),
    `a CONFLICT alarm for ${conflict.id.slice(0, 12)} at both ends of ${line.name}`,
  );
  const volumeOf = (hash: string, index: number) => {
    const side = hash === x.view.hash ? x : y;
    return `${side.view.stationName}'s volume ${side.spec.volumes[index]?.name ?? String(index)}`;
  };
  event(
    date,
    `CONFLICT ${conflict.id.slice(0, 12)} (${conflict.severity}), the same id at ${line.creator.name} and ${line.joiner.name}, ` +
      `an alarm raised at both: ${volumeOf(conflict.a, conflict.volumeA)} and ${volumeOf(conflict.b, conflict.volumeB)} ` +
      `share ${metres(conflict.minAltitude)}–${metres(conflict.maxAltitude)} m from ${utc(moved(conflict.from, -shift))} ` +
      `to ${utc(moved(conflict.to, -shift))} UTC (replayed as ${utc(conflict.from)} to ${utc(conflict.to)})`,
  );
  return conflict;
}

/**
 * A station's admin adds zones it keeps to itself: never on a line, drawn on its own map only.
 *
 * @param station the station
 * @param options the zones, with 2022 windows, and how far to move them (see {@link replayShift})
 * @returns the station's conflicts afterwards
 */
export async function addPrivateZones(
  station: DemoStation,
  { zones, shift }: { zones: readonly ZoneSpec[]; shift: number },
): Promise<Conflict[]> {
  for (const zone of zones) {
    const added = await station.admin.call("POST /api/zones", {
      body: {
        name: zone.name,
        kind: zone.kind,
        geojson: zone.geojson,
        ...(zone.minAltitude === undefined ? {} : { minAltitude: zone.minAltitude }),
        ...(zone.maxAltitude === undefined ? {} : { maxAltitude: zone.maxAltitude }),
        ...(zone.from === undefined ? {} : { from: moved(zone.from, shift) }),
        ...(zone.to === undefined ? {} : { to: moved(zone.to, shift) }),
      },
    });
    event("(today)", `${station.name}'s admin adds '${added.name}' on its own map only: ${zone.what}`);
  }
  return station.admin.call("GET /api/conflicts");
}

async function notificationAt(station: DemoStation, line: DemoLine, id: string): Promise<NotificationView> {
  const all = await station.admin.call("GET /api/lines/:line/notifications", { params: { line: line.id } });
  if (!Array.isArray(all))
    throw new Error(`Cannot list the notifications at ${station.name}: GeoJSON came back`);
  const found = all.find((n) => n.id === id);
  if (found === undefined) throw new Error(`Cannot find notification ${id.slice(0, 12)} at ${station.name}`);
  return found;
}

function noticeOf(n: NotificationView): string {
  if (n.noticeHours === null || n.marginHours === null) return `no notice rule for ${n.type} on this line`;
  const ahead = (n.noticeHours + n.marginHours).toFixed(1);
  return n.late
    ? `LATE: ${ahead} h ahead of its first window, ${n.noticeHours} h asked`
    : `${ahead} h ahead of its first window, ${n.noticeHours} h asked: in time`;
}

/** @returns "2022-10-17 06:00" */
function utc(iso: string | undefined): string {
  return iso === undefined ? "?" : iso.slice(0, 16).replace("T", " ");
}

/** @returns "12,000" */
function metres(n: number): string {
  return n.toLocaleString("en-GB");
}
