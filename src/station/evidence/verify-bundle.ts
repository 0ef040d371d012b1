import {
  BUNDLE,
  HotlineError,
  canonicalJson,
  describeZodError,
  fingerprintOf,
  hasValidBundleSignature,
  isHotlineError,
  KEY_KINDS,
  keyAfter,
  keyAt,
  keyHistoryOf,
  memberArrayItems,
  openEntry,
  parseStatement,
  sha256Hex,
  type ErrorCode,
  type HeadStatement,
  type HeldEntry,
  type Problem,
} from "../../record/mod.js";
import { verifyRecord, type VerifyOptions, type VerifyReport } from "../core/mod.js";

/** How much of the bundled record one participant's signed heads cover. */
export interface Coverage {
  station: string;
  name: string;
  /** when its latest head statement in the bundle was made; null when the bundle has none */
  statementAt: string | null;
  /** true when its signed heads cover every entry of every chain in the bundle */
  complete: boolean;
  /** how many entries its heads do not cover */
  uncovered: number;
  /** the first entries not covered (at most 100) */
  notCovered: { author: string; seq: number; hash: string }[];
}

/** The outcome of verifying a bundle: a record's report, what the bundle says of itself, coverage. */
export interface BundleReport extends VerifyReport {
  bundle: {
    line: { id: string; name: string };
    exportedAt: string;
    exportedBy: { station: string; name: string };
  } | null;
  coverage: Coverage[];
}

const LISTED_UNCOVERED = 100;

/**
 * Verifies an export bundle with nothing but the bundle: its form, its signature by the
 * exporting station, every entry and chain (the same checks as `hotline verify`), that the
 * participants listed are the ones the record made and their fingerprints their keys', every
 * head statement's signature and that the heads it names are the bundle's entries; and reports
 * how much of the record each participant's signed heads cover, so that a side cannot later
 * claim it never received an entry its heads covered.
 *
 * @param text the bundle file's content
 * @param options worker threads for signatures
 * @returns ok, counts, problems (each with a stable code), and coverage per participant
 */
export async function verifyBundle(
  text: string | Buffer,
  options: VerifyOptions = {},
): Promise<BundleReport> {
  const failed = (code: ErrorCode, detail: string): BundleReport => ({
    ok: false,
    lines: 0,
    entries: 0,
    problems: [{ code, line: null, author: null, seq: null, hash: null, detail }],
    findings: [],
    bundle: null,
    coverage: [],
  });
  const source = typeof text === "string" ? text : text.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    return failed(
      "BAD_BUNDLE",
      `The bundle is not JSON (truncated or damaged?): ${(error as Error).message}`,
    );
  }
  const parsed = BUNDLE.safeParse(value);
  if (!parsed.success) {
    return failed("BAD_BUNDLE", `The bundle is not a hotline bundle: ${describeZodError(parsed.error)}`);
  }
  const bundle = parsed.data;
  const lineId = bundle.line.id;
  const problems: Problem[] = [];
  const problem = (code: ErrorCode, detail: string, place: Partial<Problem> = {}) =>
    problems.push({ code, line: lineId, author: null, seq: null, hash: null, ...place, detail });

  // Entries are read below; the key history (and with it the exporter's key) first.
  const keys = keyHistoryOf(
    bundle.entries.flatMap((value) => {
      if (!KEY_KINDS.includes(String((value as { kind?: unknown } | null)?.kind))) return [];
      try {
        return [openEntry(Buffer.from(canonicalJson(value), "utf8"))];
      } catch {
        return []; // reported as the entry's own problem below
      }
    }),
  );
  if (
    !hasValidBundleSignature(bundle, keyAt(keys, lineId, bundle.exportedBy.station, Number.MAX_SAFE_INTEGER))
  ) {
    problem(
      "BAD_SIGNATURE",
      `The bundle's signature is not ${bundle.exportedBy.name}'s (${bundle.exportedBy.station.slice(0, 10)}…): it was changed after export, or another station signed it`,
      { author: bundle.exportedBy.station },
    );
  }

  // What a reader of the file sees must be what was signed: each entry and statement written
  // exactly as its canonical JSON, so that no key is given twice (a parser keeping the first
  // would read another text than the one whose signature checks).
  const writtenEntries = memberArrayItems(source, "entries");
  const writtenStatements = memberArrayItems(source, "statements");
  if (
    writtenEntries?.length !== bundle.entries.length ||
    writtenStatements?.length !== bundle.statements.length
  ) {
    problem(
      "NOT_CANONICAL",
      "The bundle's entries or statements are given twice, or cannot be read as written",
    );
  }
  const asWritten = (written: string | undefined, canonical: string) =>
    written === undefined || written === canonical;

  // Entries: filed where they say they stand, under the hash of their canonical bytes.
  const held: HeldEntry[] = [];
  const bodies: { author: string; seq: number; hash: string; kind: unknown; body: unknown }[] = [];
  const prevOf = new Map<string, string | null>();
  for (const [index, entry] of bundle.entries.entries()) {
    const e = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
    let bytes: Buffer;
    try {
      bytes = Buffer.from(canonicalJson(entry), "utf8");
    } catch (error) {
      problem(
        "BAD_BUNDLE",
        `Entry #${index + 1} of the bundle is not JSON an entry can be: ${(error as Error).message}`,
      );
      continue;
    }
    const hash = sha256Hex(bytes);
    const line = e.kind === "line.genesis" ? hash : e.line;
    const author = typeof e.author === "string" ? e.author : "";
    const seq = typeof e.seq === "number" ? e.seq : 0;
    if (!asWritten(writtenEntries?.[index], bytes.toString("utf8"))) {
      problem(
        "NOT_CANONICAL",
        `Entry #${index + 1} of the bundle is not written as its canonical JSON (a key given twice?): a reader could see other words than were signed`,
        { author, seq, hash },
      );
    }
    if (line !== lineId && e.kind !== "line.genesis") {
      problem("BAD_BUNDLE", `Entry #${index + 1} of the bundle is not on the bundle's line`, {
        author,
        seq,
        hash,
      });
      continue;
    }
    held.push({ line: lineId, author, seq, hash, bytes });
    bodies.push({ author, seq, hash, kind: e.kind, body: e.body });
    prevOf.set(hash, typeof e.prev === "string" ? e.prev : null);
  }
  const report = await verifyRecord(held, held.length, { ...options, lines: [lineId], keys });
  problems.push(...report.problems);

  // Participants: those the record made (the genesis's creator, each member added), as listed.
  const made = new Map<string, { name: string; cert: string; url: string }[]>();
  for (const { kind, body, author } of bodies) {
    const b = (body ?? {}) as { name?: unknown; creator?: unknown; member?: unknown; cert?: unknown };
    // A cert.renew moves its author to a new certificate: the listing may name that one.
    const renewed = made.get(author)?.at(-1);
    if (kind === "cert.renew" && typeof b.cert === "string" && renewed !== undefined) {
      made.get(author)?.push({ ...renewed, cert: b.cert });
      continue;
    }
    const p = (kind === "line.genesis" ? b.creator : kind === "member.add" ? b.member : undefined) as
      { station: unknown; name: string; cert: string; url: string } | null | undefined;
    // Read before any schema: an entry's body may be anything (its SCHEMA problem is reported above).
    if (typeof p !== "object" || p === null || typeof p.station !== "string") continue;
    made.set(p.station, [...(made.get(p.station) ?? []), p]);
    if (kind === "line.genesis" && b.name !== bundle.line.name) {
      problem(
        "MISMATCH",
        `The bundle names the line '${bundle.line.name}', its genesis entry '${String(b.name)}'`,
      );
    }
  }
  for (const p of bundle.participants) {
    const records = made.get(p.station);
    const place = { author: p.station };
    if (records === undefined) {
      problem(
        "UNKNOWN_AUTHOR",
        `Participant ${p.name} (${p.station.slice(0, 10)}…) is listed, but the record never made it a participant`,
        place,
      );
    } else if (!records.some((r) => r.name === p.name && r.cert === p.cert && r.url === p.url)) {
      problem(
        "MISMATCH",
        `Participant ${p.name}'s name, certificate or URL differs from the record's`,
        place,
      );
    }
    if (p.fingerprint !== fingerprintOf(p.station)) {
      problem(
        "MISMATCH",
        `Participant ${p.name}'s fingerprint is not its key's (${fingerprintOf(p.station)})`,
        place,
      );
    }
  }
  const listed = new Set(bundle.participants.map((p) => p.station));
  for (const [station, records] of made) {
    if (!listed.has(station)) {
      problem(
        "BAD_BUNDLE",
        `Participant ${records[0]?.name ?? station} is in the record but not listed in the bundle`,
        { author: station },
      );
    }
  }
  if (!made.has(bundle.exportedBy.station)) {
    problem(
      "UNKNOWN_AUTHOR",
      `The exporting station ${bundle.exportedBy.name} is no participant of the line`,
      { author: bundle.exportedBy.station },
    );
  }

  // Head statements: signed, on this line, by a participant, naming entries the bundle holds.
  const chains = new Map<string, Map<number, string>>();
  for (const h of held) {
    const chain = chains.get(h.author) ?? new Map<number, string>();
    chain.set(h.seq, h.hash);
    chains.set(h.author, chain);
  }
  const latest = new Map<string, HeadStatement>();
  for (const [index, value] of bundle.statements.entries()) {
    let statement: HeadStatement;
    try {
      if (!asWritten(writtenStatements?.[index], canonicalJson(value))) {
        throw new HotlineError(
          "NOT_CANONICAL",
          "it is not written as its canonical JSON (a key given twice?): a reader could see other heads than were signed",
        );
      }
      // Signed by the key its station had after the head it gives of its own chain.
      statement = parseStatement(value, (s) =>
        keyAfter(keys, s.line, s.station, s.heads[s.station]?.seq ?? 0),
      );
    } catch (error) {
      const station = (value as { station?: unknown } | null)?.station;
      problem(
        isHotlineError(error) ? error.code : "BAD_BUNDLE",
        `Head statement #${index + 1}: ${(error as Error).message}`,
        typeof station === "string" ? { author: station } : {},
      );
      continue;
    }
    const place = { author: statement.station };
    if (statement.line !== lineId) {
      problem("BAD_BUNDLE", `Head statement #${index + 1} is about another line`, place);
      continue;
    }
    if (!made.has(statement.station)) {
      problem(
        "UNKNOWN_AUTHOR",
        `Head statement #${index + 1} is signed by a station that is no participant`,
        place,
      );
      continue;
    }
    for (const [author, head] of Object.entries(statement.heads)) {
      const have = chains.get(author);
      const hash = have?.get(head.seq);
      const who = nameOf(bundle, statement.station);
      if (hash === undefined) {
        problem(
          "CHAIN_GAP",
          `${who} signed that it holds ${nameOf(bundle, author)}'s chain up to seq ${head.seq}, but the bundle holds only ${have?.size ?? 0} of its entries`,
          { author, seq: head.seq, hash: head.hash },
        );
      } else if (hash !== head.hash) {
        problem(
          "MISMATCH",
          `${who} signed head ${head.hash.slice(0, 12)} for seq ${head.seq} of ${nameOf(bundle, author)}'s chain, but the bundle's entry there hashes to ${hash.slice(0, 12)}`,
          { author, seq: head.seq, hash },
        );
      }
    }
    const before = latest.get(statement.station);
    if (before === undefined || before.time < statement.time) latest.set(statement.station, statement);
  }

  const coverage = [...new Set([...listed, ...made.keys()])].map((station) =>
    coverageOf(station, nameOf(bundle, station), latest.get(station) ?? null, chains, prevOf),
  );
  return {
    ok: problems.length === 0,
    lines: report.lines,
    entries: report.entries,
    problems,
    findings: report.findings,
    bundle: { line: bundle.line, exportedAt: bundle.exportedAt, exportedBy: bundle.exportedBy },
    coverage,
  };
}

/**
 * A head (seq, hash) covers its chain up to seq: each entry names the hash of the one before, so
 * signing the head is signing all of them — as far back as the bundle's entries still link to
 * it. A head that is not the bundle's entry covers nothing; an entry changed since covers neither
 * itself nor what comes before it.
 */
function coverageOf(
  station: string,
  name: string,
  statement: HeadStatement | null,
  chains: ReadonlyMap<string, ReadonlyMap<number, string>>,
  prevOf: ReadonlyMap<string, string | null>,
): Coverage {
  const notCovered: Coverage["notCovered"] = [];
  let uncovered = 0;
  for (const [author, chain] of chains) {
    const covered = new Set<number>();
    const head = statement?.heads[author];
    let expected: string | null = head?.hash ?? null;
    for (let seq = head?.seq ?? 0; seq >= 1 && expected !== null && chain.get(seq) === expected; seq--) {
      covered.add(seq);
      expected = prevOf.get(expected) ?? null;
    }
    for (const [seq, hash] of [...chain].sort(([a], [b]) => a - b)) {
      if (covered.has(seq)) continue;
      uncovered++;
      if (notCovered.length < LISTED_UNCOVERED) notCovered.push({ author, seq, hash });
    }
  }
  return {
    station,
    name,
    statementAt: statement?.time ?? null,
    complete: statement !== null && uncovered === 0,
    uncovered,
    notCovered,
  };
}

function nameOf(
  bundle: { participants: readonly { station: string; name: string }[] },
  station: string,
): string {
  return bundle.participants.find((p) => p.station === station)?.name ?? `${station.slice(0, 10)}…`;
}
