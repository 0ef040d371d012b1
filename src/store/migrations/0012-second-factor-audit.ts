/**
 * Operators' second factor (TOTP and recovery codes) and the audit log of operator actions and
 * sign-in attempts: both apart from the signed record, neither holding a secret in clear.
 */
export const sql = `
-- An operator's TOTP factor. secret: the shared secret sealed (AES-256-GCM) with the station's
-- second-factor key file, never in clear; confirmed_at: null while enrolment waits for a first
-- code; last_step: the newest 30-second step whose code was accepted (an older or equal one is a
-- replay and is refused).
CREATE TABLE second_factors (
  operator      TEXT PRIMARY KEY REFERENCES operators (name),
  secret        TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  confirmed_at  TEXT,
  last_step     INTEGER NOT NULL DEFAULT 0
);

-- Single-use recovery codes, only as SHA-256 hashes; used_at once used.
CREATE TABLE recovery_codes (
  operator   TEXT NOT NULL REFERENCES operators (name),
  code_hash  TEXT NOT NULL,
  used_at    TEXT,
  PRIMARY KEY (operator, code_hash)
);

-- Who did what, when, from where, allowed or refused: every operator action and sign-in attempt.
-- Appended to only (the oldest rows pruned past the bound); never a password, code, token or text.
CREATE TABLE audit (
  n              INTEGER PRIMARY KEY AUTOINCREMENT,
  at             TEXT NOT NULL,
  operator       TEXT,
  action         TEXT NOT NULL,
  object         TEXT,
  outcome        TEXT NOT NULL,
  code           TEXT,
  origin         TEXT NOT NULL,
  via            TEXT NOT NULL,
  second_factor  TEXT
);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_operator ON audit (operator, n);
`;
