/**
 * Key rotation: an operator's acknowledgement that a peer's key changed and the new safety code was
 * read aloud, kept locally (never an entry), so the console shows the notice until then.
 */
export const sql = `
CREATE TABLE key_change_acks (
  line      TEXT NOT NULL,
  station   TEXT NOT NULL,
  key       TEXT NOT NULL,
  acked_by  TEXT NOT NULL,
  acked_at  TEXT NOT NULL,
  PRIMARY KEY (line, station, key)
);
`;
