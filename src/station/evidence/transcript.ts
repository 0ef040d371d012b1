import { fingerprintOf } from "../../record/mod.js";
import { isoNow } from "../core/mod.js";
import { callsOf } from "../calls/mod.js";
import { isNotifyTextKind, notifyText } from "../notify/mod.js";
import { readoutsOf } from "../calls/mod.js";
import type { Station } from "../core/mod.js";
import type { CallView, LogEntry, ReadoutsView, TranslationView } from "../views/mod.js";
import { logOf } from "../thread/mod.js";

/** The transcript formats: for people, not for verification (that is the bundle). */
export const TRANSCRIPT_FORMATS = ["html", "md"] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

/**
 * A line's record as a document for people: every entry dated (UTC) and attributed (station,
 * operator), messages with their precedence and acknowledgements, translations beneath their
 * originals (the original marked authoritative, each translation as a translation, by whom, by
 * machine or not), calls and readouts in place, and for each call its readouts side by side with
 * what is agreed and what disputed. Every text from the record is escaped.
 *
 * @param station the station
 * @param ref the line: id, prefix or name
 * @param format html or md
 * @returns the document
 */
export async function renderTranscript(
  station: Station,
  ref: string,
  format: TranscriptFormat,
): Promise<string> {
  const line = await station.resolveLine(ref);
  const w = format === "html" ? html : md;
  const entries = await logOf(station, line.id);
  const calls = new Map((await callsOf(station, line.id)).map((c) => [c.id, c]));
  const readouts = new Map<string, ReadoutsView>();
  for (const id of calls.keys()) readouts.set(id, await readoutsOf(station, id));
  const names = new Map((await station.store.participants(line.id)).map((p) => [p.station, p.name]));
  const short = (hash: unknown) => String(hash).slice(0, 12);

  const out: string[] = [
    w.title(`Line ${line.name}`),
    w.para(
      `Line id ${line.id}. Transcript made ${isoNow(station.clock)} by ${station.config.name}. All times UTC. ` +
        `The record itself, signed, is verified with 'hotline verify --bundle'; this document is for reading.`,
    ),
    w.heading("Participants"),
    w.list(
      (await station.store.participants(line.id)).map(
        (p) => `${p.name}: key fingerprint ${fingerprintOf(p.station)}, station id ${p.station}`,
      ),
    ),
  ];
  const rotations = [...(await station.rotationsOn(line.id))].flatMap(([id, list]) =>
    list.map((r) =>
      r.revoked !== undefined
        ? `${names.get(id) ?? id}: key revoked ${stamp(r.time)} (#${r.seq}, stolen since ${stamp(r.since ?? "")}): new fingerprint ${fingerprintOf(r.key)}`
        : r.seq === 0
          ? `${names.get(id) ?? id}: key on this line from its first entry: fingerprint ${fingerprintOf(r.key)}`
          : `${names.get(id) ?? id}: key changed ${stamp(r.time)} (#${r.seq}) to fingerprint ${fingerprintOf(r.key)}`,
    ),
  );
  if (rotations.length > 0) out.push(w.heading("Key changes"), w.list(rotations));
  out.push(w.heading("Record"));
  for (const e of entries) {
    const b = e.body;
    const head = `${stamp(e.time)} — ${e.authorName} #${e.seq}${typeof b.operator === "string" ? `, ${b.operator}` : ""}`;
    switch (e.kind) {
      case "translation":
      case "ack":
      case "readout.mark":
        continue; // shown beneath what they belong to
      case "key.rotate":
        out.push(
          w.entry(
            head,
            `Station key changed to fingerprint ${fingerprintOf(String(b.key))} (signed by the old key and the new): the safety code changed`,
          ),
        );
        break;
      case "key.revoke":
        out.push(
          w.entry(
            head,
            `Station key revoked, believed stolen since ${String(b.since)}; new key fingerprint ${fingerprintOf(String(b.key))} (signed by the new key): each peer takes it only once its operators accept it`,
          ),
        );
        break;
      case "key.revoke.ack":
        out.push(
          w.entry(
            head,
            `Accepted the new key of ${String(b.station).slice(0, 10)}… (fingerprint ${fingerprintOf(String(b.key))}) after its revocation, the safety code read aloud`,
          ),
        );
        break;
      case "text":
        out.push(
          w.entry(head, `Message, ${String(b.precedence)}, ${String(b.lang)} (original, authoritative)`),
          w.quote(String(b.text), String(b.lang)),
          ...translationsBlock(w, e.translations ?? []),
          ...acksBlock(w, e, names),
        );
        break;
      case "call.request": {
        const call = calls.get(e.hash);
        out.push(
          w.entry(head, `Call requested at ${String(b.level)} level: ${String(b.topic)}`),
          w.list([
            `proposed for ${stamp(String(b.proposedTime))}`,
            `who would speak: ${(b.participants as string[]).join(", ")}`,
            ...(call === undefined ? [] : [`state now: ${call.state}`, `call id ${call.id}`]),
          ]),
        );
        break;
      }
      case "call.accept":
      case "call.decline":
      case "call.cancel": {
        const verb = { "call.accept": "accepted", "call.decline": "declined", "call.cancel": "cancelled" }[
          e.kind
        ];
        const why = typeof b.reason === "string" ? b.reason : typeof b.note === "string" ? b.note : null;
        out.push(w.entry(head, `Call ${short(b.call)} ${verb}${why === null ? "" : `: ${why}`}`));
        break;
      }
      case "call.held":
        out.push(
          w.entry(head, `Call ${short(b.call)} held`),
          w.list([
            `from ${stamp(String(b.start))} to ${stamp(String(b.end))} (${minutes(String(b.start), String(b.end))})`,
            `placed by ${names.get(String(b.initiatedBy)) ?? String(b.initiatedBy).slice(0, 8)}`,
            `spoke: ${(b.participants as string[]).join(", ")}`,
          ]),
        );
        break;
      case "readout": {
        const view = readouts.get(String(b.call))?.readouts.find((r) => r.hash === e.hash);
        out.push(
          w.entry(head, `Readout of call ${short(b.call)}, ${String(b.lang)} (original, authoritative)`),
          ...(view === undefined
            ? [w.quote(String(b.text), String(b.lang))]
            : [
                w.list(
                  view.points.map(
                    (p) =>
                      `[${p.index}] ${p.text}${p.marks
                        .map(
                          (m) =>
                            ` — ${m.verdict.toUpperCase()} by ${m.stationName} (${m.operator})${m.comment === null ? "" : `: ${m.comment}`}`,
                        )
                        .join("")}`,
                  ),
                  String(b.lang),
                ),
              ]),
          ...translationsBlock(w, e.translations ?? []),
        );
        break;
      }
      case "test":
        out.push(
          w.entry(head, `Presence test (automatic) for ${stamp(String(b.slot))}`),
          ...acksBlock(w, e, names),
        );
        break;
      case "line.genesis":
        out.push(w.entry(head, `Opened the line "${String(b.name)}"`));
        break;
      case "member.add":
        out.push(w.entry(head, `Added ${(b.member as { name: string }).name} to the line`));
        break;
      case "cert.renew":
        out.push(w.entry(head, `Renewed its TLS certificate: ${String(b.cert)}`));
        break;
      case "line.suspend":
        out.push(w.entry(head, `Suspended the line: ${String(b.reason)}`));
        break;
      case "line.resume":
        out.push(w.entry(head, "Put the line back in service"));
        break;
      default: {
        if (isNotifyTextKind(e.kind)) {
          const { headline, lines } = notifyText(e.kind, b);
          out.push(w.entry(head, headline), ...(lines.length === 0 ? [] : [w.list(lines)]));
          break;
        }
        out.push(w.entry(head, `${e.kind} ${JSON.stringify(b)}`));
      }
    }
  }
  if (calls.size > 0) out.push(w.heading("Calls and readouts side by side"));
  for (const call of calls.values()) out.push(...callBlock(w, call, readouts.get(call.id)));
  return w.document(`Line ${line.name}`, out);
}

function translationsBlock(w: Writer, translations: readonly TranslationView[]): string[] {
  return translations.flatMap((t) => [
    w.note(
      `Translation into ${t.lang} by ${t.translator}${t.machine ? " (MACHINE translation)" : ""}, attached by ${t.stationName} (${t.operator}) ${stamp(t.time)}${t.byAuthor ? " — the author's own translation" : ""}; not authoritative`,
    ),
    w.quote(t.text, t.lang),
  ]);
}

function acksBlock(w: Writer, e: LogEntry, names: ReadonlyMap<string, string>): string[] {
  const nameOf = (station: string) => names.get(station) ?? station.slice(0, 8);
  const acks = Object.entries(e.acks);
  const owed = Object.entries(e.ackStates).filter(([, s]) => s !== "acked");
  if (acks.length === 0 && owed.length === 0) return [];
  return [
    w.note(
      [
        ...acks.map(([station, a]) => `acknowledged by ${nameOf(station)} (${a.by}) ${stamp(a.time)}`),
        ...owed.map(([station, s]) => `${nameOf(station)}: acknowledgement ${s}`),
      ].join("; "),
    ),
  ];
}

function callBlock(w: Writer, call: CallView, view: ReadoutsView | undefined): string[] {
  const out = [
    w.subheading(`Call ${call.id.slice(0, 12)}: ${call.topic}`),
    w.list([
      `${call.level} level, asked by ${call.requestedBy.stationName} (${call.requestedBy.operator}) ${stamp(call.requestedAt)} for ${stamp(call.proposedTime)}`,
      `state: ${call.state}`,
      ...call.responses.map(
        (r) =>
          `${r.kind} by ${r.stationName} (${r.operator}) ${stamp(r.time)}${r.reason === null ? "" : `: ${r.reason}`}`,
      ),
      ...call.held.map(
        (h) =>
          `held ${stamp(h.start)} to ${stamp(h.end)} (${minutes(h.start, h.end)}), placed by ${h.initiatedBy.stationName}, per ${h.stationName}`,
      ),
    ]),
  ];
  if (view === undefined || view.readouts.length === 0) return [...out, w.para("No readouts.")];
  out.push(
    w.sideBySide(
      view.readouts
        .filter((r) => r.latest)
        .map((r) => ({ title: `${r.stationName} (${r.lang})`, text: r.text, lang: r.lang })),
    ),
  );
  for (const c of view.comparisons) {
    if (!c.comparable) {
      out.push(w.para(c.reason ?? "Not comparable."));
      continue;
    }
    const via = (s: typeof c.a) =>
      s.source === "original" ? "original" : `translation${s.machine ? " (machine)" : ""}`;
    out.push(
      w.para(
        `Compared in ${c.a.lang}: ${c.a.stationName}'s ${via(c.a)} with ${c.b.stationName}'s ${via(c.b)} (by shared key terms; see the operator guide).`,
      ),
      w.note(`Only ${c.a.stationName} mentions:`),
      w.list(c.onlyA.length === 0 ? ["(nothing)"] : c.onlyA.map((p) => p.text)),
      w.note(`Only ${c.b.stationName} mentions:`),
      w.list(c.onlyB.length === 0 ? ["(nothing)"] : c.onlyB.map((p) => p.text)),
    );
  }
  const marked = (list: ReadoutsView["agreed"]) =>
    list.map(
      (p) =>
        `${p.stationName} [${p.index}] ${p.text} — ${p.by.map((b) => `${b.stationName}${b.comment === null ? "" : `: ${b.comment}`}`).join("; ")}`,
    );
  out.push(
    w.note("Agreed (marked by the other side):"),
    w.list(view.agreed.length === 0 ? ["(nothing marked)"] : marked(view.agreed)),
    w.note("Disputed:"),
    w.list(view.disputed.length === 0 ? ["(nothing marked)"] : marked(view.disputed)),
  );
  return out;
}

function stamp(time: string): string {
  return `${time
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, "")
    .replace(/Z$/, "")} UTC`;
}

function minutes(start: string, end: string): string {
  const m = Math.round((Date.parse(end) - Date.parse(start)) / 60_000);
  return `${m} min`;
}

/** How each format writes the parts of a transcript; every argument is plain text, escaped here. */
interface Writer {
  document(title: string, parts: string[]): string;
  title(text: string): string;
  heading(text: string): string;
  subheading(text: string): string;
  para(text: string): string;
  note(text: string): string;
  entry(head: string, what: string): string;
  quote(text: string, lang: string): string;
  list(items: readonly string[], lang?: string): string;
  sideBySide(columns: readonly { title: string; text: string; lang: string }[]): string;
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

const html: Writer = {
  document: (title, parts) =>
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n` +
    `<style>body{font:15px/1.45 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}` +
    `.entry{margin-top:1rem}.head{color:#555;font-size:.9em}blockquote{margin:.3rem 0 .3rem 1rem;padding-left:.7rem;border-left:3px solid #ccc;white-space:pre-wrap}` +
    `.note{color:#555;font-size:.9em;margin:.2rem 0 .2rem 1rem}table{border-collapse:collapse;width:100%}td,th{vertical-align:top;border:1px solid #ccc;padding:.5rem;white-space:pre-wrap}</style>\n` +
    `</head>\n<body>\n${parts.join("\n")}\n</body>\n</html>\n`,
  title: (t) => `<h1>${escapeHtml(t)}</h1>`,
  heading: (t) => `<h2>${escapeHtml(t)}</h2>`,
  subheading: (t) => `<h3>${escapeHtml(t)}</h3>`,
  para: (t) => `<p>${escapeHtml(t)}</p>`,
  note: (t) => `<p class="note">${escapeHtml(t)}</p>`,
  entry: (head, what) =>
    `<div class="entry"><div class="head">${escapeHtml(head)}</div><div>${escapeHtml(what)}</div></div>`,
  quote: (t, lang) => `<blockquote lang="${escapeHtml(lang)}">${escapeHtml(t)}</blockquote>`,
  list: (items, lang) =>
    `<ul${lang === undefined ? "" : ` lang="${escapeHtml(lang)}"`}>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>`,
  sideBySide: (columns) =>
    `<table><tr>${columns.map((c) => `<th>${escapeHtml(c.title)}</th>`).join("")}</tr><tr>${columns
      .map((c) => `<td lang="${escapeHtml(c.lang)}">${escapeHtml(c.text)}</td>`)
      .join("")}</tr></table>`,
};

/** Escapes text for Markdown: its markup characters, and HTML (which Markdown passes through). */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#+-]|\d+\.)/gm, (_m, space: string, mark: string) => `${space}\\${mark}`);
}

const md: Writer = {
  document: (_title, parts) => `${parts.join("\n\n")}\n`,
  title: (t) => `# ${escapeMarkdown(t)}`,
  heading: (t) => `## ${escapeMarkdown(t)}`,
  subheading: (t) => `### ${escapeMarkdown(t)}`,
  para: (t) => escapeMarkdown(t),
  note: (t) => `_${escapeMarkdown(t)}_`,
  entry: (head, what) => `**${escapeMarkdown(head)}**  \n${escapeMarkdown(what)}`,
  quote: (t) =>
    t
      .split("\n")
      .map((l) => `> ${escapeMarkdown(l)}`)
      .join("\n"),
  list: (items) => items.map((i) => `- ${escapeMarkdown(i).replace(/\n/g, " ")}`).join("\n"),
  sideBySide: (columns) =>
    columns.map((c) => `**${escapeMarkdown(c.title)}**\n\n${md.quote(c.text, c.lang)}`).join("\n\n"),
};
