/** The console: operators' sessions (by the hash of their secret id) and each operator's language. */
export const sql = `
ALTER TABLE operators ADD COLUMN lang TEXT;

-- A signed-in operator's console session. id_hash: SHA-256 of the cookie's secret (the secret
-- itself is never stored); csrf: the token every write must echo in a header.
CREATE TABLE sessions (
  id_hash     TEXT PRIMARY KEY,
  operator    TEXT NOT NULL REFERENCES operators (name),
  csrf        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
`;
