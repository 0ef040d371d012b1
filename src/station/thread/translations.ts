import { HotlineError, type BodyOf } from "../../record/mod.js";
import { checkedBody, entriesOfKinds, namesOn, referencedEntry } from "../core/mod.js";
import type { Station } from "../core/mod.js";
import type { TranslationView } from "../views/mod.js";

/** Kinds a translation may be attached to: what people wrote to be read. */
export const TRANSLATABLE_KINDS = ["text", "readout"] as const;

/**
 * Machine translation, if a station plugs one in: none comes with hotline. What it makes is
 * written with `machine: true` and its name as translator, so nobody mistakes it for a person's.
 */
export interface MachineTranslator {
  /** how it is named in the record, e.g. "ExampleMT 2.1" */
  name: string;
  translate(text: string, options: { from: string; to: string }): Promise<string>;
}

/**
 * Every translation on a line, in causal order (the same at every station).
 *
 * @param station the station
 * @param ref the line: id, prefix or name
 * @returns the translations
 */
export async function translationsOf(station: Station, ref: string): Promise<TranslationView[]> {
  const line = (await station.resolveLine(ref)).id;
  const names = await namesOn(station, line);
  const authorOf = async (hash: string) => (await station.store.entryByHash(hash))?.author;
  const views: TranslationView[] = [];
  for (const e of await entriesOfKinds(station, line, ["translation"])) {
    const body = e.body as BodyOf<"translation">;
    views.push({
      hash: e.hash,
      of: body.of,
      lang: body.lang,
      text: body.text,
      translator: body.translator,
      machine: body.machine,
      byAuthor: (await authorOf(body.of)) === e.author,
      authoritative: false,
      station: e.author,
      stationName: names.get(e.author) ?? e.author.slice(0, 8),
      operator: body.operator,
      time: e.time,
    });
  }
  return views;
}

/**
 * @param translations a line's translations
 * @returns them grouped by the entry they translate
 */
export function translationsByOriginal(
  translations: readonly TranslationView[],
): Map<string, TranslationView[]> {
  const out = new Map<string, TranslationView[]>();
  for (const t of translations) {
    const list = out.get(t.of);
    if (list === undefined) out.set(t.of, [t]);
    else list.push(t);
  }
  return out;
}

/** What an operator gives to attach a translation. */
export interface TranslationRequest {
  /** the original: hash or unique prefix of a message or readout */
  entry: string;
  lang: string;
  text: string;
  /** who translated (default the operator) */
  translator?: string | undefined;
  /** made by machine translation (default false) */
  machine?: boolean | undefined;
  operator: string;
}

/**
 * Attaches a translation to a message or readout by a signed `translation` entry on its line.
 * Any participant may; the original is never replaced.
 *
 * @param station this station
 * @param options the original, the language and text, who translated, and the operator
 * @returns the translation's hash and seq, and the original's hash
 * @throws HotlineError UNKNOWN_ENTRY, AMBIGUOUS_ENTRY, BAD_INPUT (not a message or readout, the
 *   original's own language, a field)
 */
export async function translateEntry(
  station: Station,
  options: TranslationRequest,
): Promise<{ hash: string; seq: number; of: string }> {
  const original = await referencedEntry(station, options.entry, {
    kinds: TRANSLATABLE_KINDS,
    what: "a message or a readout",
    action: `translate entry ${options.entry}`,
  });
  const action = `translate entry ${original.hash.slice(0, 12)}`;
  if (original.body.lang.toLowerCase() === options.lang.toLowerCase()) {
    throw new HotlineError("BAD_INPUT", `Cannot ${action}: it is written in ${options.lang} already`);
  }
  const body = checkedBody(
    "translation",
    {
      of: original.hash,
      lang: options.lang,
      text: options.text,
      translator: options.translator ?? options.operator,
      machine: options.machine ?? false,
      operator: options.operator,
    },
    action,
  );
  const sealed = await station.write(original.line, { kind: "translation", body });
  return { hash: sealed.hash, seq: sealed.entry.seq, of: original.hash };
}

/**
 * Has a plugged-in machine translator translate a message or readout, and attaches the result,
 * labelled as machine-made.
 *
 * @param station this station
 * @param translator the machine translator
 * @param options the original, the language wanted, the operator who asked
 * @returns the translation's hash and seq, and the original's hash
 */
export async function machineTranslate(
  station: Station,
  translator: MachineTranslator,
  options: { entry: string; lang: string; operator: string },
): Promise<{ hash: string; seq: number; of: string }> {
  const original = await referencedEntry(station, options.entry, {
    kinds: TRANSLATABLE_KINDS,
    what: "a message or a readout",
    action: `translate entry ${options.entry}`,
  });
  const text = await translator.translate(original.body.text, { from: original.body.lang, to: options.lang });
  return await translateEntry(station, {
    entry: original.hash,
    lang: options.lang,
    text,
    translator: translator.name,
    machine: true,
    operator: options.operator,
  });
}
