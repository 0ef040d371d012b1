/** The record (entries), what is derived from it for lookups (lines, participants), operators. */
export const sql = `
CREATE TABLE lines (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  created_at  TEXT NOT NULL
);

CREATE TABLE participants (
  line      TEXT NOT NULL REFERENCES lines(id),
  station   TEXT NOT NULL,
  name      TEXT NOT NULL,
  url       TEXT NOT NULL,
  cert      TEXT NOT NULL,
  added_by  TEXT NOT NULL,
  PRIMARY KEY (line, station)
);

-- The record. bytes are the exact canonical JSON the hash was computed over; everything else in
-- the row is derived from them for lookups.
CREATE TABLE entries (
  n            INTEGER PRIMARY KEY,
  line         TEXT NOT NULL,
  author       TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  hash         TEXT NOT NULL UNIQUE,
  kind         TEXT NOT NULL,
  time         TEXT NOT NULL,
  bytes        BLOB NOT NULL,
  received_at  TEXT NOT NULL,
  UNIQUE (line, author, seq)
);
CREATE INDEX entries_by_line ON entries (line, n);

CREATE TABLE operators (
  name           TEXT PRIMARY KEY,
  role           TEXT NOT NULL CHECK (role IN ('officer', 'supervisor', 'admin', 'observer')),
  password_hash  TEXT NOT NULL,
  disabled       INTEGER NOT NULL DEFAULT 0,
  created_at     TEXT NOT NULL
);
`;
