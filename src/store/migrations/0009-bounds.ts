/**
 * Bounded work a peer can cause: an alarm raised again for the same cause counts on its row instead
 * of adding one, and evidence is kept per (line, author) only up to a cap, the rest counted.
 */
export const sql = `
-- cause: with code, what makes a later raising the same alarm (by default its line, peer and entry,
-- as a JSON array); count: how many times it was raised; last_raised_at: when last.
ALTER TABLE alarms ADD COLUMN cause TEXT;
ALTER TABLE alarms ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
ALTER TABLE alarms ADD COLUMN last_raised_at TEXT;
UPDATE alarms SET cause = json_array(line, peer, entry), last_raised_at = raised_at;
CREATE INDEX alarms_cause ON alarms (code, cause) WHERE cleared_at IS NULL;

CREATE INDEX evidence_author ON evidence (line, author);

-- Evidence past the cap, or repeating what is kept: counted, not kept.
CREATE TABLE evidence_dropped (
  line     TEXT NOT NULL,
  author   TEXT NOT NULL,
  dropped  INTEGER NOT NULL,
  last_at  TEXT NOT NULL,
  PRIMARY KEY (line, author)
);
`;
