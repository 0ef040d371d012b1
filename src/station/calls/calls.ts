import { HotlineError, normalizeTime, type BodyOf, type CallLevel } from "../../record/mod.js";
import { checkedBody, entriesOfKinds, namesOn, referencedEntry } from "../core/mod.js";
import type { Station } from "../core/mod.js";
import type { CallResponse, CallState, CallView } from "../views/mod.js";

const CALL_KINDS = ["call.request", "call.accept", "call.decline", "call.cancel", "call.held"] as const;

/**
 * Every call on a line, oldest request first. Built from the record alone, in causal order, so
 * every participant computes the same calls; odd but valid entries from peers (two accepts, an
 * answer after a cancel) are shown, never fatal.
 *
 * The state: `held` once any participant recorded it held; else `cancelled` once the requester
 * withdrew it; else `declined` when any other participant's latest answer is a decline;
 * `accepted` when every other participant's latest answer is an accept; else `requested`.
 *
 * @param station the station
 * @param ref the line: id, prefix or name
 * @returns the calls
 */
export async function callsOf(station: Station, ref: string): Promise<CallView[]> {
  const line = (await station.resolveLine(ref)).id;
  const names = await namesOn(station, line);
  const others = (requester: string) => [...names.keys()].filter((s) => s !== requester);
  const calls = new Map<string, CallView>();
  const entries = await entriesOfKinds(station, line, CALL_KINDS);
  // Requests first, so that an answer a peer wrote without having seen its request still finds it.
  for (const e of [...entries.filter((e) => e.kind === "call.request"), ...entries]) {
    const actor = {
      station: e.author,
      stationName: nameOf(names, e.author),
      operator: String(e.body.operator),
    };
    if (e.kind === "call.request") {
      if (calls.has(e.hash)) continue;
      const body = e.body as BodyOf<"call.request">;
      calls.set(e.hash, {
        id: e.hash,
        line,
        requestedBy: actor,
        requestedAt: e.time,
        level: body.level,
        topic: body.topic,
        proposedTime: body.proposedTime,
        participants: body.participants,
        state: "requested",
        responses: [],
        held: [],
        start: null,
        end: null,
        durationSeconds: null,
        initiatedBy: null,
      });
      continue;
    }
    const call = calls.get(String(e.body.call));
    if (call === undefined) continue; // names no request on this line: nothing to attach it to
    if (e.kind === "call.held") {
      const body = e.body as BodyOf<"call.held">;
      call.held.push({
        ...actor,
        start: body.start,
        end: body.end,
        durationSeconds: (Date.parse(body.end) - Date.parse(body.start)) / 1000,
        participants: body.participants,
        initiatedBy: { station: body.initiatedBy, stationName: nameOf(names, body.initiatedBy) },
        time: e.time,
        hash: e.hash,
      });
      continue;
    }
    const kind = e.kind.slice("call.".length) as CallResponse["kind"];
    const reason = e.body.reason ?? e.body.note;
    call.responses.push({
      ...actor,
      kind,
      time: e.time,
      hash: e.hash,
      reason: typeof reason === "string" ? reason : null,
    });
  }
  for (const call of calls.values()) {
    const first = call.held[0];
    if (first !== undefined) {
      call.start = first.start;
      call.end = first.end;
      call.durationSeconds = first.durationSeconds;
      call.initiatedBy = first.initiatedBy;
    }
    call.state = stateOf(call, others(call.requestedBy.station));
  }
  return [...calls.values()];
}

/**
 * @param station the station
 * @param ref the call: its request's hash or a unique prefix
 * @returns the call
 * @throws HotlineError UNKNOWN_ENTRY, AMBIGUOUS_ENTRY, or BAD_INPUT (not a call request)
 */
export async function callOf(station: Station, ref: string): Promise<CallView> {
  const request = await referencedEntry(station, ref, {
    kinds: ["call.request"],
    what: "a call request",
    action: `show call ${ref}`,
  });
  const call = (await callsOf(station, request.line)).find((c) => c.id === request.hash);
  if (call === undefined) throw new HotlineError("INTERNAL", `Cannot show call ${ref}: it went missing`);
  return call;
}

function stateOf(call: CallView, others: readonly string[]): CallState {
  if (call.held.length > 0) return "held";
  if (call.responses.some((r) => r.kind === "cancel" && r.station === call.requestedBy.station))
    return "cancelled";
  const latest = new Map<string, CallResponse["kind"]>();
  for (const r of call.responses) if (r.kind !== "cancel") latest.set(r.station, r.kind);
  if ([...latest.values()].includes("decline")) return "declined";
  if (others.length > 0 && others.every((s) => latest.get(s) === "accept")) return "accepted";
  return "requested";
}

function nameOf(names: ReadonlyMap<string, string>, station: string): string {
  return names.get(station) ?? station.slice(0, 8);
}

/** What an operator gives to ask for a call. */
export interface CallRequest {
  line: string;
  level: CallLevel;
  topic: string;
  proposedTime: string;
  participants: string[];
  operator: string;
}

/**
 * Asks the other participants of a line for a call, by a signed `call.request` entry.
 *
 * @param station this station
 * @param options the line (id, prefix or name), level, topic, proposed time, who would speak, operator
 * @returns the request's hash (the call's id) and seq
 * @throws HotlineError UNKNOWN_LINE, BAD_INPUT (a field)
 */
export async function requestCall(
  station: Station,
  options: CallRequest,
): Promise<{ hash: string; seq: number }> {
  const line = await station.resolveLine(options.line);
  const body = checkedBody(
    "call.request",
    {
      level: options.level,
      topic: options.topic,
      proposedTime: normalizeTime(options.proposedTime),
      participants: options.participants,
      operator: options.operator,
    },
    `request a call on ${line.name}`,
  );
  const sealed = await station.write(line.id, { kind: "call.request", body });
  return { hash: sealed.hash, seq: sealed.entry.seq };
}

/**
 * Answers a call request: another participant accepts or declines it; the requester cancels it.
 * Each station answers once; nobody answers a call that was held or cancelled.
 *
 * @param station this station
 * @param options the call (hash or prefix), the answer, a reason (required to decline), the operator
 * @returns the answer's hash and seq, and the call as it now stands
 * @throws HotlineError UNKNOWN_ENTRY, AMBIGUOUS_ENTRY, BAD_INPUT
 */
export async function answerCall(
  station: Station,
  options: {
    call: string;
    answer: "accept" | "decline" | "cancel";
    reason?: string | undefined;
    operator: string;
  },
): Promise<{ hash: string; seq: number; call: CallView }> {
  const call = await callOf(station, options.call);
  const action = `${options.answer} call ${call.id.slice(0, 12)}`;
  const mine = call.requestedBy.station === station.id;
  if (options.answer === "cancel" && !mine) {
    throw new HotlineError("BAD_INPUT", `Cannot ${action}: another station asked for it; decline it instead`);
  }
  if (options.answer !== "cancel" && mine) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot ${action}: this station asked for it; the other side answers (cancel it to withdraw)`,
    );
  }
  if (call.state === "held" || call.state === "cancelled") {
    throw new HotlineError("BAD_INPUT", `Cannot ${action}: it was ${call.state} already`);
  }
  const answered = call.responses.find((r) => r.station === station.id);
  if (answered !== undefined) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot ${action}: this station answered it already (${answered.kind}, ${answered.time})`,
    );
  }
  const reason = options.reason === undefined || options.reason === "" ? {} : { reason: options.reason };
  const sealed =
    options.answer === "accept"
      ? await station.write(call.line, {
          kind: "call.accept",
          body: checkedBody(
            "call.accept",
            {
              call: call.id,
              ...(reason.reason === undefined ? {} : { note: reason.reason }),
              operator: options.operator,
            },
            action,
          ),
        })
      : options.answer === "decline"
        ? await station.write(call.line, {
            kind: "call.decline",
            body: checkedBody(
              "call.decline",
              { call: call.id, reason: options.reason ?? "", operator: options.operator },
              action,
            ),
          })
        : await station.write(call.line, {
            kind: "call.cancel",
            body: checkedBody(
              "call.cancel",
              { call: call.id, ...reason, operator: options.operator },
              action,
            ),
          });
  return { hash: sealed.hash, seq: sealed.entry.seq, call: await callOf(station, call.id) };
}

/**
 * Records that a call took place: start, end, who spoke, and which side placed it (default: the
 * side that asked for it). Each station records it once; both sides may.
 *
 * @param station this station
 * @param options the call, start and end (UTC ISO with ms), who spoke (default the request's
 *   list), the station that placed it (id, prefix or name), the operator
 * @returns the entry's hash and seq, and the call as it now stands
 * @throws HotlineError UNKNOWN_ENTRY, AMBIGUOUS_ENTRY, BAD_INPUT
 */
export async function recordCallHeld(
  station: Station,
  options: {
    call: string;
    start: string;
    end: string;
    participants?: string[] | undefined;
    initiatedBy?: string | undefined;
    operator: string;
  },
): Promise<{ hash: string; seq: number; call: CallView }> {
  const call = await callOf(station, options.call);
  const action = `record call ${call.id.slice(0, 12)} as held`;
  if (call.state === "cancelled" || call.state === "declined") {
    throw new HotlineError("BAD_INPUT", `Cannot ${action}: it was ${call.state}`);
  }
  const mine = call.held.find((h) => h.station === station.id);
  if (mine !== undefined) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot ${action}: this station recorded it already (${mine.hash.slice(0, 12)})`,
    );
  }
  const initiatedBy =
    options.initiatedBy === undefined
      ? call.requestedBy.station
      : await participantOf(station, call.line, options.initiatedBy, action);
  const body = checkedBody(
    "call.held",
    {
      call: call.id,
      start: normalizeTime(options.start),
      end: normalizeTime(options.end),
      participants: options.participants ?? call.participants,
      initiatedBy,
      operator: options.operator,
    },
    action,
  );
  const sealed = await station.write(call.line, { kind: "call.held", body });
  return { hash: sealed.hash, seq: sealed.entry.seq, call: await callOf(station, call.id) };
}

/** @returns the station id of a line's participant named by id, id prefix or name */
async function participantOf(station: Station, line: string, ref: string, action: string): Promise<string> {
  const wanted = ref.trim().toLowerCase();
  const found = (await station.store.participants(line)).filter(
    (p) =>
      p.station === ref || p.name.toLowerCase() === wanted || (ref.length >= 4 && p.station.startsWith(ref)),
  );
  if (found.length === 1 && found[0] !== undefined) return found[0].station;
  throw new HotlineError(
    "BAD_INPUT",
    `Cannot ${action}: '${ref}' is ${found.length === 0 ? "no participant of the line" : "more than one participant"}; name a station on the line`,
  );
}
