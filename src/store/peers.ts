/** An invitation to join a line, as kept (its secret only as a hash). */
export interface InviteRow {
  id: string;
  line: string;
  secretHash: string;
  createdAt: string;
  expiresAt: string;
  createdBy: string;
  usedAt: string | null;
  usedBy: string | null;
}

/** What is known of contact with a peer. */
export interface PeerContactRow {
  station: string;
  lastContact: string | null;
  lastFailure: string | null;
  lastError: string | null;
  failures: number;
}

/** Evidence that an author misbehaved (equivocation, divergence). */
export interface EvidenceRow {
  code: string;
  line: string;
  author: string;
  seq: number;
  heldHash: string | null;
  otherHash: string | null;
  otherBytes: Buffer | null;
  reportedBy: string | null;
  detectedAt: string;
}

/** Most evidence rows kept per (line, author): the first ones, the earliest proof; the rest are counted. */
export const MAX_EVIDENCE_PER_AUTHOR = 16;

/** Largest `otherBytes` kept with evidence: an entry is never larger (MAX_ENTRY_BYTES). */
export const MAX_EVIDENCE_BYTES = 64 * 1024;

/** What this station keeps about its peers: invitations, contact, and evidence against them. */
export interface PeerStore {
  addInvite(invite: InviteRow): Promise<void>;
  /** @returns the invite with that id, or null */
  invite(id: string): Promise<InviteRow | null>;
  /**
   * Marks an invite used, once.
   *
   * @returns true if this call used it; false if it was used already
   */
  useInvite(id: string, by: string, at: string): Promise<boolean>;

  /** Notes a successful contact with a peer (failures reset). */
  contactSucceeded(station: string, at: string): Promise<void>;
  /** Notes a failed contact with a peer. */
  contactFailed(station: string, error: string, at: string): Promise<void>;
  /** @returns what is known of contact with a peer */
  contact(station: string): Promise<PeerContactRow | null>;

  /**
   * Keeps evidence of a misbehaving author, within bounds a peer cannot push: at most
   * MAX_EVIDENCE_PER_AUTHOR rows per (line, author), the first ones; the same evidence again (same
   * code, seq, hashes and reporter), or evidence past the cap, is only counted (see
   * {@link droppedEvidence}); `otherBytes` over MAX_EVIDENCE_BYTES is not kept (null).
   *
   * @returns whether a row was kept
   */
  addEvidence(evidence: EvidenceRow): Promise<boolean>;
  /** @returns the evidence kept, oldest first, of every line or of one */
  evidence(line?: string): Promise<EvidenceRow[]>;
  /** @returns how much evidence about an author on a line was counted and not kept */
  droppedEvidence(line: string, author: string): Promise<number>;
}
