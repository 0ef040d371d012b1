import {
  HotlineError,
  hasValidSignature,
  parseEntry,
  seal,
  signingBytesOf,
  type SealedEntry,
} from "../record/mod.js";
import type { Head, Store } from "../store/mod.js";

/** How far ahead of this station's clock an entry's time may be before it is refused. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

/** What became of a batch of incoming entries. */
export interface ApplyResult {
  /** entries newly stored */
  applied: SealedEntry[];
  /** entries this station already held (same hash): fine, nothing to do */
  duplicates: number;
  /** the first entry refused, if any; entries before it were stored */
  refused: HotlineError | null;
}

/** An incoming entry read and sealed ahead of applying, its signature checked (perhaps on another thread). */
export interface PreparedEntry {
  sealed: SealedEntry | null;
  /** why it could not be read, if it could not */
  error: HotlineError | null;
  signatureOk: boolean;
}

export interface ApplyOptions {
  store: Store;
  /** the same values, read and signature-checked already (see prepareIncoming) */
  prepared?: readonly PreparedEntry[] | undefined;
  now: number;
  /** a line this station is joining: its genesis may be accepted though the line is not yet known */
  joining?: string | undefined;
  /** called when an equivocation is found, with the evidence kept */
  onEquivocation?: ((error: HotlineError) => void) | undefined;
}

/**
 * Applies entries received from a peer, in the order DESIGN.md gives: size → schema → author is
 * a participant → signature → seq and prev continue this station's copy of the chain → time not
 * absurdly in the future. Entries that pass are stored in one transaction; the first that fails
 * stops the batch and is reported (entries before it are kept). The same entry again is a
 * duplicate, not an error; the same (author, seq) with another hash is an equivocation: refused,
 * with the evidence kept.
 *
 * @param values the entries as received (parsed JSON)
 * @param options the store, the time, and a line being joined
 * @returns what was stored, and what was refused
 */
export function applyIncoming(values: readonly unknown[], options: ApplyOptions): ApplyResult {
  const { store } = options;
  const applied: SealedEntry[] = [];
  let duplicates = 0;
  let refused: HotlineError | null = null;
  const pendingHeads = new Map<string, Head>(); // `${line} ${author}` → head including this batch
  const participants = new Map<string, Set<string>>();
  const participantsOf = (line: string): Set<string> => {
    let set = participants.get(line);
    if (set === undefined) {
      set = new Set(store.participants(line).map((p) => p.station));
      participants.set(line, set);
    }
    return set;
  };

  store.withWriteLock(() => {
    for (const [index, value] of values.entries()) {
      try {
        const sealed = checkOne(value, options.prepared?.[index]);
        if (sealed === null) {
          duplicates++;
          continue;
        }
        applied.push(sealed);
        const { entry, hash } = sealed;
        const line = entry.kind === "line.genesis" ? hash : (entry.line as string);
        pendingHeads.set(`${line} ${entry.author}`, { author: entry.author, seq: entry.seq, hash });
        if (entry.kind === "line.genesis") participants.set(line, new Set([entry.body.creator.station]));
        if (entry.kind === "member.add") participantsOf(line).add(entry.body.member.station);
        store.appendEntries([sealed], new Date(options.now).toISOString());
      } catch (error) {
        refused =
          error instanceof HotlineError
            ? error
            : new HotlineError("INTERNAL", `Cannot apply the entry: ${String(error)}`, { cause: error });
        break;
      }
    }
  });
  return { applied, duplicates, refused };

  function checkOne(value: unknown, prepared: PreparedEntry | undefined): SealedEntry | null {
    if (prepared?.error) throw prepared.error;
    const sealed = prepared?.sealed ?? readIncoming(value);
    const { entry, hash } = sealed;
    const place = { line: entry.line ?? hash, author: entry.author, seq: entry.seq, hash };

    let line: string;
    if (entry.kind === "line.genesis") {
      line = hash;
      if (store.line(line) === null && options.joining !== line) {
        throw new HotlineError(
          "UNKNOWN_LINE",
          `Cannot accept a genesis for line ${line}: this station is not joining it`,
          {
            place,
          },
        );
      }
      if (entry.author !== entry.body.creator.station) {
        throw new HotlineError(
          "BAD_GENESIS",
          "Cannot accept the genesis: its author is not the line's creator",
          { place },
        );
      }
    } else {
      line = entry.line as string;
      if (!participants.has(line) && store.line(line) === null) {
        throw new HotlineError(
          "UNKNOWN_LINE",
          `Cannot accept an entry for line ${line}: this station is not on it`,
          {
            place,
          },
        );
      }
      if (!participantsOf(line).has(entry.author)) {
        throw new HotlineError(
          "UNKNOWN_AUTHOR",
          `Cannot accept the entry: its author is not a participant of the line`,
          {
            place,
          },
        );
      }
    }
    // The very entry held already (same hash, so the same bytes, verified when stored): nothing to do.
    const known = pendingHeads.get(`${line} ${entry.author}`) ?? store.head(line, entry.author);
    if (known !== null && entry.seq <= known.seq) {
      const held = store.entryAt(line, entry.author, entry.seq);
      if (held?.hash === hash) return null;
    }
    if (!(prepared === undefined ? hasValidSignature(entry, sealed.bytes) : prepared.signatureOk)) {
      throw new HotlineError("BAD_SIGNATURE", "Cannot accept the entry: its signature is not its author's", {
        place,
      });
    }
    const head = pendingHeads.get(`${line} ${entry.author}`) ?? store.head(line, entry.author);
    const headSeq = head?.seq ?? 0;
    if (entry.seq <= headSeq) {
      const held = store.entryAt(line, entry.author, entry.seq);
      const heldHash =
        held?.hash ?? applied.find((s) => s.entry.author === entry.author && s.entry.seq === entry.seq)?.hash;
      if (heldHash === hash) return null;
      store.addEvidence({
        code: "EQUIVOCATION",
        line,
        author: entry.author,
        seq: entry.seq,
        heldHash: heldHash ?? null,
        otherHash: hash,
        otherBytes: sealed.bytes,
        reportedBy: null,
        detectedAt: new Date(options.now).toISOString(),
      });
      const error = new HotlineError(
        "EQUIVOCATION",
        `Cannot accept the entry: this station holds a different entry at seq ${entry.seq} of that chain; the author has signed two histories (evidence kept)`,
        { place },
      );
      options.onEquivocation?.(error);
      throw error;
    }
    if (entry.seq > headSeq + 1) {
      throw new HotlineError(
        "CHAIN_GAP",
        `Cannot accept seq ${entry.seq}: this station holds that chain only up to seq ${headSeq}; send from seq ${headSeq + 1}`,
        { place },
      );
    }
    if (entry.prev !== (head?.hash ?? null)) {
      throw new HotlineError(
        "BAD_PREV",
        `Cannot accept seq ${entry.seq}: its prev does not name the entry before it`,
        {
          place,
        },
      );
    }
    if (Date.parse(entry.time) > options.now + MAX_CLOCK_AHEAD_MS) {
      throw new HotlineError(
        "FUTURE_TIME",
        `Cannot accept the entry: its time ${entry.time} is more than 5 minutes ahead of this station's clock`,
        { place },
      );
    }
    return sealed;
  }
}

/**
 * Reads one incoming entry: the schema, then its canonical bytes (whose exact size is checked) and hash.
 *
 * @param value an entry as received
 * @returns it sealed
 */
function readIncoming(value: unknown): SealedEntry {
  // The request as a whole is bounded (8 MiB); the entry's own limit is checked on its canonical bytes.
  return seal(parseEntry(value));
}

/**
 * Reads a batch of incoming entries ahead of applying them, and says which signatures to check:
 * so that the checks can run on other threads before the batch is applied in order.
 *
 * @param values entries as received
 * @returns one prepared entry per value (signatureOk still false), and the jobs for the signatures
 */
export function prepareIncoming(values: readonly unknown[]): {
  prepared: PreparedEntry[];
  jobs: { index: number; signed: Buffer; sig: string; author: string }[];
} {
  const prepared: PreparedEntry[] = [];
  const jobs: { index: number; signed: Buffer; sig: string; author: string }[] = [];
  for (const [index, value] of values.entries()) {
    try {
      const sealed = readIncoming(value);
      prepared.push({ sealed, error: null, signatureOk: false });
      jobs.push({
        index,
        signed: signingBytesOf(sealed.bytes),
        sig: sealed.entry.sig,
        author: sealed.entry.author,
      });
    } catch (error) {
      prepared.push({
        sealed: null,
        error:
          error instanceof HotlineError
            ? error
            : new HotlineError("INTERNAL", `Cannot read the entry: ${String(error)}`, { cause: error }),
        signatureOk: false,
      });
    }
  }
  return { prepared, jobs };
}
