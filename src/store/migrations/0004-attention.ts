/** Human attention: who an alarm is addressed to as it escalates; hooks that reach people outside the console. */
export const sql = `
-- audience: the role an alarm is addressed to now (officer, supervisor, admin), or NULL for anyone on watch.
-- escalation: how many times it has been escalated along its line's chain; escalated_at: when last.
ALTER TABLE alarms ADD COLUMN audience TEXT;
ALTER TABLE alarms ADD COLUMN escalation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alarms ADD COLUMN escalated_at TEXT;
CREATE INDEX alarms_open ON alarms (cleared_at, code);

-- Hooks: run a command and/or POST JSON to a webhook when an alarm of at least a severity is raised
-- or escalated. command: a JSON array (program and arguments, no shell).
CREATE TABLE hooks (
  id          INTEGER PRIMARY KEY,
  severity    TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  command     TEXT,
  webhook     TEXT,
  created_by  TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  CHECK ((command IS NULL) != (webhook IS NULL))
);
`;
