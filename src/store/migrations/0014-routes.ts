/**
 * This station's own routes beyond its primary address (station.json's `url`): announced to its
 * peers on every line in a signed `route.announce`, and listened on by `hotline start`.
 */
export const sql = `
CREATE TABLE routes (
  name        TEXT PRIMARY KEY,
  url         TEXT NOT NULL UNIQUE,
  priority    INTEGER NOT NULL,
  listen      TEXT,
  created_by  TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
`;
