/**
 * Certificate renewal (`cert.renew`): a member's certificate changes, and the one it had is still
 * accepted for a grace period — until the member is seen presenting the new one, or a deadline.
 */
export const sql = `
-- previous_cert: the certificate the member had before its last cert.renew, still accepted until
-- previous_until (an ISO time), or NULL once the member was seen with the new one.
ALTER TABLE participants ADD COLUMN previous_cert TEXT;
ALTER TABLE participants ADD COLUMN previous_until TEXT;
`;
