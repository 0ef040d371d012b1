/** Line health: every change of a link's health, for the health history; a lookup of entries by kind. */
export const sql = `
CREATE INDEX entries_by_kind ON entries (line, kind, n);

-- Every change of health of the link to one participant on one line, as this station saw it.
-- last_ok_at: the last good link test before the change (for "time to detect" a failure).
CREATE TABLE health_history (
  n           INTEGER PRIMARY KEY,
  line        TEXT NOT NULL,
  peer        TEXT NOT NULL,
  from_state  TEXT NOT NULL,
  to_state    TEXT NOT NULL,
  at          TEXT NOT NULL,
  last_ok_at  TEXT,
  detail      TEXT NOT NULL
);
CREATE INDEX health_history_by_link ON health_history (line, peer, n);
`;
