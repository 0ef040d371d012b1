import type { ErrorCode } from "./errors.js";
import { isHotlineError } from "./errors.js";
import { hasValidSignature, openEntry } from "./entry.js";

/** One thing wrong with a record, named by code and place. */
export interface Problem {
  code: ErrorCode;
  line: string | null;
  author: string | null;
  seq: number | null;
  hash: string | null;
  detail: string;
}

/** An entry as a store or a bundle holds it: where it claims to stand, and its exact bytes. */
export interface HeldEntry {
  line: string;
  author: string;
  seq: number;
  /** the hash the holder filed it under */
  hash: string;
  bytes: Buffer;
}

/**
 * What the per-entry check learnt of one entry: enough for the chain and record checks, small
 * enough to pass back from a worker thread.
 */
export interface EntryFacts {
  line: string;
  author: string;
  seq: number;
  storedHash: string;
  /** SHA-256 of the held bytes; null when they could not be read */
  hash: string | null;
  prev: string | null;
  seen: Record<string, string>;
  kind: string | null;
  /** for line.genesis: the creator; for member.add: the member */
  adds: string | null;
  problems: Problem[];
}

/**
 * Checks one held entry on its own: readable, schema-valid, canonical, hashing to the hash it is
 * filed under, standing where its signed fields say, and signed by its author. Pure; safe to run
 * in a worker thread.
 *
 * @param held the entry as held
 * @returns the facts the chain check needs, with any problems
 */
export function checkHeldEntry(held: HeldEntry): EntryFacts {
  const facts: EntryFacts = {
    line: held.line,
    author: held.author,
    seq: held.seq,
    storedHash: held.hash,
    hash: null,
    prev: null,
    seen: {},
    kind: null,
    adds: null,
    problems: [],
  };
  const problem = (code: ErrorCode, detail: string, hash: string | null = held.hash) =>
    facts.problems.push({ code, line: held.line, author: held.author, seq: held.seq, hash, detail });

  let sealed;
  try {
    sealed = openEntry(held.bytes);
  } catch (error) {
    problem(
      isHotlineError(error) ? error.code : "SCHEMA",
      error instanceof Error ? error.message : String(error),
    );
    return facts;
  }
  const { entry, hash } = sealed;
  facts.hash = hash;
  facts.prev = entry.prev;
  facts.seen = entry.seen;
  facts.kind = entry.kind;
  if (entry.kind === "line.genesis") facts.adds = entry.body.creator.station;
  if (entry.kind === "member.add") facts.adds = entry.body.member.station;

  if (hash !== held.hash) {
    problem(
      "BAD_HASH",
      `The stored bytes hash to ${hash}, not to the hash ${held.hash} they are filed under`,
    );
  }
  const claimedLine = entry.kind === "line.genesis" ? hash : entry.line;
  if (entry.author !== held.author || entry.seq !== held.seq || claimedLine !== held.line) {
    problem(
      "MISMATCH",
      `The entry is filed as line ${short(held.line)} author ${short(held.author)} seq ${held.seq}, ` +
        `but is signed as line ${short(claimedLine ?? "none")} author ${short(entry.author)} seq ${entry.seq}`,
    );
  }
  if (!hasValidSignature(entry, held.bytes)) {
    problem("BAD_SIGNATURE", `The signature does not match the entry's content and its author's key`);
  }
  if (entry.kind === "line.genesis") {
    if (entry.seq !== 1 || entry.prev !== null || entry.line !== null || Object.keys(entry.seen).length > 0) {
      problem("BAD_GENESIS", "A line's genesis entry must be seq 1 with no line, no prev and nothing seen");
    }
  } else if (entry.line === null) {
    problem("BAD_LINE", "Only a genesis entry may have no line");
  }
  return facts;
}

/**
 * Checks the chains and cross-references of one line, given the per-entry facts of every entry it
 * holds: the genesis gives the line its id; every author is a participant; each chain runs from
 * seq 1 without gaps, each entry naming the hash of the one before; `seen` names entries that exist.
 *
 * @param lineId the line
 * @param facts facts of all its entries, any order
 * @returns the problems found, in chain order
 */
export function checkLine(lineId: string, facts: readonly EntryFacts[]): Problem[] {
  const problems: Problem[] = [];
  const at = (
    code: ErrorCode,
    f: EntryFacts | null,
    detail: string,
    author: string | null = f?.author ?? null,
  ) =>
    problems.push({
      code,
      line: lineId,
      author,
      seq: f?.seq ?? null,
      hash: f?.storedHash ?? null,
      detail,
    });

  const chains = new Map<string, EntryFacts[]>();
  for (const f of facts) {
    const chain = chains.get(f.author) ?? [];
    chain.push(f);
    chains.set(f.author, chain);
  }

  const geneses = facts.filter((f) => f.kind === "line.genesis");
  const genesis = geneses.find((f) => f.hash === lineId) ?? geneses[0];
  if (genesis === undefined) {
    at("BAD_GENESIS", null, "The line has no genesis entry", null);
  } else if (genesis.hash !== null && genesis.hash !== lineId && genesis.storedHash !== lineId) {
    at("BAD_LINE", genesis, `The genesis entry hashes to ${genesis.hash}, so it cannot be line ${lineId}`);
  }

  // Participants: the creator, then whoever a participant added, to a fixed point (an add may sit
  // in a chain that is itself only valid once its author was added).
  const participants = new Set<string>();
  if (genesis?.adds) participants.add(genesis.adds);
  for (let grew = true; grew;) {
    grew = false;
    for (const f of facts) {
      if (
        f.kind === "member.add" &&
        f.adds !== null &&
        participants.has(f.author) &&
        !participants.has(f.adds)
      ) {
        participants.add(f.adds);
        grew = true;
      }
    }
  }

  const hashes = new Map<string, string>(); // hash → author
  for (const f of facts) {
    if (f.hash !== null) hashes.set(f.hash, f.author);
    hashes.set(f.storedHash, f.author);
  }

  for (const [author, chain] of chains) {
    if (!participants.has(author)) {
      at(
        "UNKNOWN_AUTHOR",
        chain[0] ?? null,
        `Station ${short(author)} wrote ${chain.length} entries but was never made a participant`,
      );
    }
    chain.sort((a, b) => a.seq - b.seq);
    let expected = 1;
    let before: EntryFacts | null = null;
    for (const f of chain) {
      if (f.seq === before?.seq) {
        if (f.hash === before.hash) at("MISMATCH", f, `The same entry is held twice at seq ${f.seq}`);
        else at("EQUIVOCATION", f, `Two different entries are held for seq ${f.seq}`);
        continue;
      }
      if (f.seq !== expected) {
        at("CHAIN_GAP", f, `Entries ${expected}..${f.seq - 1} of this chain are missing`);
      } else if (f.hash !== null) {
        const wanted = before === null ? null : before.hash;
        // An entry whose own bytes were changed is already named (BAD_HASH); the next one still
        // names the hash it was filed under, which is no further problem.
        const alsoFine = before !== null && before.hash !== before.storedHash ? before.storedHash : undefined;
        if (f.prev !== wanted && f.prev !== alsoFine) {
          at(
            "BAD_PREV",
            f,
            `prev names ${f.prev ?? "nothing"}, but the entry before it hashes to ${wanted ?? "nothing"}`,
          );
        }
      }
      for (const [seenAuthor, seenHash] of Object.entries(f.seen)) {
        if (hashes.get(seenHash) !== seenAuthor) {
          at(
            "UNKNOWN_SEEN",
            f,
            `seen names ${short(seenHash)} of ${short(seenAuthor)}, which the record does not hold`,
          );
        }
      }
      expected = f.seq + 1;
      before = f;
    }
  }
  return problems;
}

/**
 * Checks a whole record on one thread: every entry, then every line.
 *
 * @param held all entries of all lines
 * @returns the problems, entry problems first; empty when the record is intact
 */
export function checkRecord(held: Iterable<HeldEntry>): Problem[] {
  const byLine = new Map<string, EntryFacts[]>();
  const problems: Problem[] = [];
  for (const h of held) {
    const facts = checkHeldEntry(h);
    problems.push(...facts.problems);
    const list = byLine.get(h.line) ?? [];
    list.push(facts);
    byLine.set(h.line, list);
  }
  for (const [line, facts] of byLine) problems.push(...checkLine(line, facts));
  return problems;
}

function short(id: string): string {
  return id.length > 12 ? `${id.slice(0, 10)}…` : id;
}
