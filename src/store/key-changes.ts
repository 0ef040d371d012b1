/**
 * An operator's acknowledgement, at this station, that a peer's key changed on a line and the new
 * safety code was read aloud. Local: never an entry, so it says nothing to the peer.
 */
export interface KeyChangeAckRow {
  line: string;
  station: string;
  /** the key the station rotated to */
  key: string;
  ackedBy: string;
  ackedAt: string;
}

/** Acknowledgements of peers' key changes. */
export interface KeyChangeStore {
  /** Records an acknowledgement; the first one of (line, station, key) is kept. */
  ackKeyChange(ack: KeyChangeAckRow): Promise<void>;
  /** @returns the acknowledgements of key changes on a line */
  keyChangeAcks(line: string): Promise<KeyChangeAckRow[]>;
}
