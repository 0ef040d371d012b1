import { HotlineError, normalizeTime, type BodyOf, type NotifyType, type Volume } from "../../record/mod.js";
import { checkedBody, entriesOfKinds, namesOn, referencedEntry } from "../core/mod.js";
import type { Station } from "../core/mod.js";
import type { ClarificationView, NotificationView } from "../views/mod.js";

export const NOTIFY_KINDS = [
  "notify",
  "notify.update",
  "notify.cancel",
  "clarify",
  "clarify.answer",
] as const;

/**
 * Every notification on a line, oldest first, built from the record alone in causal order, so
 * every participant computes the same. Only the notifying station's updates and cancels count;
 * others' (odd but valid) are ignored, never fatal.
 *
 * @param station the station
 * @param ref the line: id, prefix or name
 * @returns the notifications
 */
export async function notificationsOf(station: Station, ref: string): Promise<NotificationView[]> {
  const line = (await station.resolveLine(ref)).id;
  const names = await namesOn(station, line);
  const settings = await station.settings(line);
  const nameOf = (s: string) => names.get(s) ?? s.slice(0, 8);
  const out = new Map<string, NotificationView>();
  const questions = new Map<string, ClarificationView>();
  const entries = await entriesOfKinds(station, line, NOTIFY_KINDS);
  for (const e of [...entries.filter((e) => e.kind === "notify"), ...entries]) {
    const actor = { station: e.author, stationName: nameOf(e.author), operator: String(e.body.operator) };
    if (e.kind === "notify") {
      if (out.has(e.hash)) continue;
      const body = e.body as BodyOf<"notify">;
      out.set(e.hash, {
        id: e.hash,
        hash: e.hash,
        line,
        ...actor,
        time: e.time,
        givenAt: e.receivedAt,
        updatedAt: null,
        state: "active",
        cancelledAt: null,
        type: body.type,
        title: body.title,
        description: body.description,
        volumes: body.volumes,
        noticeHours: null,
        marginHours: null,
        late: false,
        tooLong: false,
        clarifications: [],
      });
      continue;
    }
    if (e.kind === "clarify.answer") {
      const q = questions.get(String(e.body.of));
      q?.answers.push({ hash: e.hash, ...actor, time: e.time, text: String(e.body.text) });
      continue;
    }
    const n = out.get(String(e.body.of));
    if (n === undefined) continue;
    if (e.kind === "clarify") {
      const q: ClarificationView = {
        hash: e.hash,
        ...actor,
        time: e.time,
        question: String(e.body.question),
        answers: [],
      };
      questions.set(e.hash, q);
      n.clarifications.push(q);
      continue;
    }
    if (e.author !== n.station || n.state === "cancelled") continue;
    if (e.kind === "notify.cancel") {
      n.state = "cancelled";
      n.cancelledAt = e.time;
    } else {
      const body = e.body as BodyOf<"notify.update">;
      Object.assign(n, {
        hash: e.hash,
        updatedAt: e.time,
        type: body.type,
        title: body.title,
        description: body.description,
        volumes: body.volumes,
      });
    }
  }
  for (const n of out.values()) {
    const notice = settings.noticeHours[n.type];
    const firstStart = Math.min(...n.volumes.map((v) => Date.parse(v.time.start)));
    // Notice is judged from when this station held it, not from the time its author wrote in it.
    const leadHours = (firstStart - Date.parse(n.givenAt)) / 3_600_000;
    n.noticeHours = notice ?? null;
    n.marginHours = notice === undefined ? null : round(leadHours - notice);
    n.late = n.marginHours !== null && n.marginHours < 0;
    n.tooLong = n.volumes.some(
      (v) => Date.parse(v.time.end) - Date.parse(v.time.start) > settings.maxWindowHours * 3_600_000,
    );
  }
  return [...out.values()];
}

/** What an operator gives to notify, or to update a notification. */
export interface NotificationDraft {
  type: NotifyType;
  title: string;
  description?: string | undefined;
  volumes: Volume[];
}

/**
 * Notifies the other participants of a line of an activity, by a signed `notify` entry.
 *
 * @param station this station
 * @param options the line (id, prefix or name), the notification, the operator
 * @returns the notification's hash (its id) and seq
 * @throws HotlineError UNKNOWN_LINE, BAD_INPUT naming the field (a bad volume, a window longer
 *   than the line allows)
 */
export async function notify(
  station: Station,
  options: NotificationDraft & { line: string; operator: string },
): Promise<{ hash: string; seq: number }> {
  const line = await station.resolveLine(options.line);
  const action = `notify on ${line.name}`;
  const body = checkedBody("notify", bodyOf(options), action);
  await checkWindows(station, line.id, body.volumes, action);
  const sealed = await station.write(line.id, { kind: "notify", body });
  return { hash: sealed.hash, seq: sealed.entry.seq };
}

/**
 * Replaces or withdraws a notification this station made.
 *
 * @param station this station
 * @param options the notification (its id or a prefix), the new version or `cancel`, the operator
 * @returns the entry's hash and seq
 * @throws HotlineError UNKNOWN_ENTRY, BAD_INPUT (another station's, cancelled already, a bad field)
 */
export async function amendNotification(
  station: Station,
  options: { of: string; operator: string } & (
    { cancel: true; reason?: string | undefined } | ({ cancel?: false } & NotificationDraft)
  ),
): Promise<{ hash: string; seq: number }> {
  const original = await referencedEntry(station, options.of, {
    kinds: ["notify"],
    what: "a notification",
    action: `${options.cancel === true ? "cancel" : "update"} notification ${options.of}`,
  });
  const action = `${options.cancel === true ? "cancel" : "update"} notification ${original.hash.slice(0, 12)}`;
  if (original.author !== station.id) {
    throw new HotlineError("BAD_INPUT", `Cannot ${action}: another station made it; ask with 'clarify'`);
  }
  const view = (await notificationsOf(station, original.line)).find((n) => n.id === original.hash);
  if (view?.state === "cancelled") {
    throw new HotlineError("BAD_INPUT", `Cannot ${action}: it was cancelled already (${view.cancelledAt})`);
  }
  if (options.cancel === true) {
    const reason = options.reason === undefined || options.reason === "" ? {} : { reason: options.reason };
    const body = checkedBody(
      "notify.cancel",
      { of: original.hash, ...reason, operator: options.operator },
      action,
    );
    const sealed = await station.write(original.line, { kind: "notify.cancel", body });
    return { hash: sealed.hash, seq: sealed.entry.seq };
  }
  const body = checkedBody("notify.update", { of: original.hash, ...bodyOf(options) }, action);
  await checkWindows(station, original.line, body.volumes, action);
  const sealed = await station.write(original.line, { kind: "notify.update", body });
  return { hash: sealed.hash, seq: sealed.entry.seq };
}

/**
 * Asks about a notification (`clarify`), or answers such a question (`clarify.answer`).
 *
 * @param station this station
 * @param options `of`: the notification (for a question) or the question (for an answer), and
 *   the question or the answer's text, the operator
 * @returns the entry's hash and seq
 * @throws HotlineError UNKNOWN_ENTRY, BAD_INPUT
 */
export async function clarify(
  station: Station,
  options: { of: string; operator: string } & ({ question: string } | { answer: string }),
): Promise<{ hash: string; seq: number }> {
  if ("question" in options) {
    const action = `ask about notification ${options.of}`;
    const n = await referencedEntry(station, options.of, {
      kinds: ["notify"],
      what: "a notification",
      action,
    });
    const body = checkedBody(
      "clarify",
      { of: n.hash, question: options.question, operator: options.operator },
      action,
    );
    const sealed = await station.write(n.line, { kind: "clarify", body });
    return { hash: sealed.hash, seq: sealed.entry.seq };
  }
  const action = `answer question ${options.of}`;
  const q = await referencedEntry(station, options.of, {
    kinds: ["clarify"],
    what: "a question (clarify)",
    action,
  });
  const body = checkedBody(
    "clarify.answer",
    { of: q.hash, text: options.answer, operator: options.operator },
    action,
  );
  const sealed = await station.write(q.line, { kind: "clarify.answer", body });
  return { hash: sealed.hash, seq: sealed.entry.seq };
}

function bodyOf(options: NotificationDraft & { operator: string }): BodyOf<"notify"> {
  return {
    type: options.type,
    title: options.title,
    description: options.description ?? "",
    volumes: options.volumes.map(withTimesNormalized),
    operator: options.operator,
  };
}

/** A volume whose window is written as a person may write it (any RFC 3339 time), stored as UTC with ms. */
function withTimesNormalized(volume: Volume): Volume {
  // Operator input, unchecked yet: the schema names whatever is not a volume.
  const time = (volume as { time?: unknown } | null)?.time as { start?: unknown; end?: unknown } | undefined;
  if (typeof time !== "object" || time === null) return volume;
  return {
    ...volume,
    time: {
      ...time,
      ...(typeof time.start === "string" ? { start: normalizeTime(time.start) } : {}),
      ...(typeof time.end === "string" ? { end: normalizeTime(time.end) } : {}),
    } as Volume["time"],
  };
}

async function checkWindows(
  station: Station,
  line: string,
  volumes: readonly Volume[],
  action: string,
): Promise<void> {
  const { maxWindowHours } = await station.settings(line);
  for (const [i, v] of volumes.entries()) {
    if (Date.parse(v.time.end) - Date.parse(v.time.start) > maxWindowHours * 3_600_000) {
      throw new HotlineError(
        "BAD_INPUT",
        `Cannot ${action}: volumes.${i}.time.end: the window must last at most ${maxWindowHours} hours on this line (its maxWindowHours)`,
      );
    }
  }
}

function round(hours: number): number {
  return Math.round(hours * 1000) / 1000;
}
