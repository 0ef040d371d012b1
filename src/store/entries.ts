import type { HeldEntry, SealedEntry } from "../record/mod.js";

/** The newest entry of one chain. */
export interface Head {
  author: string;
  seq: number;
  hash: string;
  /** its time, as its author signed it */
  time: string;
}

/** A line: its id (the hash of its genesis), name and when it was opened. */
export interface LineInfo {
  id: string;
  name: string;
  createdAt: string;
}

/** A line as the store lists it, with its entry count. */
export interface LineRow extends LineInfo {
  entries: number;
}

/** A participant of a line, as the record made it one. */
export interface ParticipantRow {
  station: string;
  name: string;
  url: string;
  cert: string;
  /** the entry that added it: a member.add, or for the creator the genesis */
  addedBy: string;
  /** the certificate it had before its last cert.renew, still accepted until `previousUntil`; null once retired */
  previousCert: string | null;
  /** when the previous certificate stops being accepted (ISO time), or null */
  previousUntil: string | null;
}

/** A member of a line, a participant or one still waiting for consent. */
export interface MemberRow extends ParticipantRow {
  /** every station asked has consented: it is a participant */
  active: boolean;
  /** who its member.add asked to consent */
  consenters: string[];
  /** those of them who have */
  approvals: string[];
}

/** An entry as stored: its place, bytes and when this station received it. */
export interface StoredEntry extends HeldEntry {
  /** arrival order at this station (1, 2, …); not part of the record */
  n: number;
  kind: string;
  time: string;
  receivedAt: string;
  /**
   * the participant that delivered it: its author, or a third station that relayed it (caught up
   * from Paris while its author could not reach this station); null for this station's own
   */
  receivedFrom: string | null;
}

/** Where an entry stands in the record, and its time, without its bytes. */
export interface EntryPlace {
  line: string;
  author: string;
  seq: number;
  time: string;
}

/**
 * The record: entries, the chains' heads, and what entries imply for lookups (lines, their
 * participants and members). Entries are only ever appended.
 */
export interface EntryStore {
  /**
   * Appends entries to the record, with what they imply for lookups (a genesis makes a line, a
   * member.add a participant), all or none. The caller has checked them.
   *
   * @param entries sealed, checked entries, each continuing its chain
   * @param receivedAt when this station got them
   * @param from the participant that delivered them (null or absent: this station wrote them)
   */
  appendEntries(entries: readonly SealedEntry[], receivedAt: string, from?: string | null): Promise<void>;
  /** @returns the newest entry of a chain, or null if the author has written nothing there */
  head(line: string, author: string): Promise<Head | null>;
  /** @returns the head of every chain of a line */
  heads(line: string): Promise<Head[]>;
  /** @returns the entry with that hash, or null */
  entryByHash(hash: string): Promise<StoredEntry | null>;
  /** @returns where the entry with that hash stands, and its time, without its bytes; or null */
  entryPlace(hash: string): Promise<EntryPlace | null>;
  /** @returns entries whose hash starts with a prefix, at most limit */
  entriesByHashPrefix(prefix: string, limit: number): Promise<StoredEntry[]>;
  /** @returns the entry at (line, author, seq), or null */
  entryAt(line: string, author: string, seq: number): Promise<StoredEntry | null>;
  /** @returns every entry of a line, in the order this station stored them */
  entries(line: string): Promise<StoredEntry[]>;
  /**
   * @returns every entry of every line in storage order, read a page at a time so that verifying
   *   a large record never holds all of it
   */
  allEntries(): AsyncIterable<StoredEntry>;
  /**
   * @param since only entries dated at or after this time (an entry's own ISO time), e.g. the
   *   last days of a long record without reading all of it
   * @returns a line's entries of one kind, in arrival order
   */
  entriesOfKind(line: string, kind: string, since?: string): Promise<StoredEntry[]>;
  /** @returns a line's entries that arrived after arrival number `after`, in arrival order, at most limit */
  entriesAfter(line: string, after: number, limit: number): Promise<StoredEntry[]>;
  /** @returns entries of one chain with seq > after, oldest first, at most limit */
  chainAfter(line: string, author: string, after: number, limit: number): Promise<StoredEntry[]>;
  /** @returns how many entries the store holds */
  countEntries(): Promise<number>;

  /** @returns the line with that id, or null */
  line(id: string): Promise<LineInfo | null>;
  /** @returns every line, oldest first */
  lines(): Promise<LineRow[]>;
  /** @returns the participants of a line (every consent given), in the order they joined */
  participants(line: string): Promise<ParticipantRow[]>;
  /** @returns the members of a line, participants and those waiting for consent, in the order added */
  members(line: string): Promise<MemberRow[]>;
  /** @returns every line a station takes part in (as a participant, not one waiting for consent) */
  linesOf(station: string): Promise<string[]>;
  /** @returns the members, on any line, whose certificate has this fingerprint */
  membersWithCert(cert: string): Promise<(MemberRow & { line: string })[]>;
  /** @returns every line's membership of a station, with its certificate there */
  membershipsOf(station: string): Promise<(MemberRow & { line: string })[]>;
  /**
   * Stops accepting a station's previous certificates: it was seen presenting this one.
   *
   * @param station the station
   * @param cert the certificate it presented
   * @returns how many memberships changed
   */
  retirePreviousCerts(station: string, cert: string): Promise<number>;
}
