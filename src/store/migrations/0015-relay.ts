/**
 * Which station an entry came from: its author, or a third participant that relayed it (catch-up
 * through Paris while Washington and Moscow cannot reach each other). Null for this station's own
 * entries and for entries stored before this was kept.
 */
export const sql = `
ALTER TABLE entries ADD COLUMN received_from TEXT;
`;
