/** A peer's signed head statement, as kept. */
export interface StatementRow {
  line: string;
  station: string;
  time: string;
  /** canonical JSON of the heads */
  heads: string;
  bytes: Buffer;
}

/** One step of a peer's coverage of a chain: from `time` on, it held `author`'s chain up to `seq`. */
export interface CoverageRow {
  peer: string;
  author: string;
  seq: number;
  time: string;
}

/** Peers' head statements (delivery receipts and witness) and the coverage they imply. */
export interface StatementStore {
  /**
   * Keeps a peer's head statement (once per distinct heads) and the coverage steps it implies, all
   * or none. It does not wait for the disk itself (a message's receipt must not pay a flush of its
   * own): it reaches the disk with the next durable write — a process crash loses none, a power loss
   * at worst the last moments' statements, which the peer gives again (it holds what they say
   * durably; the courier compares heads with every peer when the station starts). What a statement
   * reveals (a divergence) is kept with a durable write of its own, which takes it along.
   *
   * @param statement the checked statement
   * @param receivedAt when this station got it
   */
  addStatement(statement: StatementRow, receivedAt: string): Promise<void>;
  /** @returns the highest seq of author's chain that peer has said it holds, 0 if none */
  coveredSeq(line: string, peer: string, author: string): Promise<number>;
  /** @returns every coverage step on a line, by peer, author and seq */
  coverage(line: string): Promise<CoverageRow[]>;
  /** @returns the newest statement each station made on a line, by station */
  latestStatements(line: string): Promise<StatementRow[]>;
}
