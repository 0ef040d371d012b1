/** Station to station: head statements (receipts), invites, peer contact, evidence and alarms. */
export const sql = `
-- Every distinct signed head statement received: the receipts, and the witness that catches a
-- station showing different histories to different peers.
CREATE TABLE statements (
  n            INTEGER PRIMARY KEY,
  line         TEXT NOT NULL,
  station      TEXT NOT NULL,
  time         TEXT NOT NULL,
  heads        TEXT NOT NULL,
  bytes        BLOB NOT NULL,
  received_at  TEXT NOT NULL,
  UNIQUE (line, station, heads)
);

-- When a peer first said it held an author's chain up to seq: a step per increase. The receipt
-- time of entry (author, s) for that peer is the first step with seq >= s.
CREATE TABLE coverage (
  line    TEXT NOT NULL,
  peer    TEXT NOT NULL,
  author  TEXT NOT NULL,
  seq     INTEGER NOT NULL,
  time    TEXT NOT NULL,
  PRIMARY KEY (line, peer, author, seq)
);

CREATE TABLE invites (
  id           TEXT PRIMARY KEY,
  line         TEXT NOT NULL REFERENCES lines(id),
  secret_hash  TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  used_at      TEXT,
  used_by      TEXT
);

CREATE TABLE peer_contact (
  station        TEXT PRIMARY KEY,
  last_contact   TEXT,
  last_failure   TEXT,
  last_error     TEXT,
  failures       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE evidence (
  n            INTEGER PRIMARY KEY,
  code         TEXT NOT NULL,
  line         TEXT NOT NULL,
  author       TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  held_hash    TEXT,
  other_hash   TEXT,
  other_bytes  BLOB,
  reported_by  TEXT,
  detected_at  TEXT NOT NULL
);

CREATE TABLE alarms (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL,
  severity    TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  line        TEXT,
  peer        TEXT,
  entry       TEXT,
  detail      TEXT NOT NULL,
  raised_at   TEXT NOT NULL,
  cleared_at  TEXT,
  acked_by    TEXT,
  acked_at    TEXT
);
`;
