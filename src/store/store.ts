import type { HeldEntry, SealedEntry } from "../record/mod.js";

/** The newest entry of one chain. */
export interface Head {
  author: string;
  seq: number;
  hash: string;
}

/** A line as the store lists it. */
export interface LineRow {
  id: string;
  name: string;
  createdAt: string;
  entries: number;
}

/** A participant of a line, as the record made it one. */
export interface ParticipantRow {
  station: string;
  name: string;
  url: string;
  cert: string;
  addedBy: string;
}

/** An entry as stored: its place, bytes and when this station received it. */
export interface StoredEntry extends HeldEntry {
  kind: string;
  time: string;
  receivedAt: string;
}

export type Role = "officer" | "supervisor" | "admin" | "observer";

export interface OperatorRow {
  name: string;
  role: Role;
  passwordHash: string;
  disabled: boolean;
  createdAt: string;
}

/**
 * Everything a station keeps. All SQL lives behind this interface, so a second implementation
 * (PostgreSQL, for high availability) can stand beside the SQLite one.
 */
export interface Store {
  /**
   * Appends entries to the record in one durable transaction, with what they imply for lookups
   * (a genesis makes a line, a member.add a participant). The caller has checked them.
   *
   * @param entries sealed, checked entries, each continuing its chain
   * @param receivedAt when this station got them
   */
  appendEntries(entries: readonly SealedEntry[], receivedAt: string): void;
  /** @returns the newest entry of a chain, or null if the author has written nothing there */
  head(line: string, author: string): Head | null;
  /** @returns the head of every chain of a line */
  heads(line: string): Head[];
  /** @returns the entry with that hash, or null */
  entryByHash(hash: string): StoredEntry | null;
  /** @returns the entry at (line, author, seq), or null */
  entryAt(line: string, author: string, seq: number): StoredEntry | null;
  /** @returns every line, oldest first */
  lines(): LineRow[];
  /** @returns the participants of a line, in the order they joined */
  participants(line: string): ParticipantRow[];
  /** @returns every entry of a line, in the order this station stored them */
  entries(line: string): StoredEntry[];
  /** @returns every entry of every line, streamed in storage order */
  allEntries(): IterableIterator<StoredEntry>;
  /** @returns how many entries the store holds */
  countEntries(): number;

  /**
   * Runs a function inside one write transaction that holds the database's write lock from its
   * start (SQLite IMMEDIATE), so what it reads cannot change before it writes.
   *
   * @param fn reads and appends; may call {@link appendEntries}
   * @returns what fn returns
   */
  withWriteLock<T>(fn: () => T): T;

  addOperator(operator: OperatorRow): void;
  operator(name: string): OperatorRow | null;
  operators(): OperatorRow[];

  /** Closes the store; the WAL is checkpointed into the main file. */
  close(): void;
}
