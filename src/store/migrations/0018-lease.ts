/**
 * The lease of the active process of a station whose store two processes share (active and
 * standby): at most one row.
 */
export const sql = `
CREATE TABLE lease (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  holder       TEXT NOT NULL,
  epoch        INTEGER NOT NULL,
  acquired_at  TEXT NOT NULL,
  -- milliseconds since 1970, by the clock of the host that wrote it
  expires_at   INTEGER NOT NULL
);
`;
