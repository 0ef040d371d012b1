/**
 * Membership by consent, and identity per line: a member counts as a participant (active) only once
 * every station its member.add asked has consented; certificates are looked up per line.
 */
export const sql = `
ALTER TABLE participants ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
-- JSON arrays of station ids: who the member.add asked to consent, and who has.
ALTER TABLE participants ADD COLUMN consenters TEXT NOT NULL DEFAULT '[]';
ALTER TABLE participants ADD COLUMN approvals TEXT NOT NULL DEFAULT '[]';
CREATE INDEX participants_by_cert ON participants (cert, line);
CREATE INDEX participants_by_add ON participants (added_by);
`;
