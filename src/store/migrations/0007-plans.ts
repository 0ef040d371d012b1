/**
 * A zone is either an area this station protects or an activity it plans. A plan stays private
 * until an operator shares it on a line, which notifies it there.
 */
export const sql = `
ALTER TABLE zones ADD COLUMN kind TEXT NOT NULL DEFAULT 'protected' CHECK (kind IN ('protected', 'plan'));
`;
