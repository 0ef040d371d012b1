/**
 * Route history: every change of health of each route to a peer, and every move of a peer's
 * traffic to another route, as this station saw them; the newest kept per peer and route.
 */
export const sql = `
-- kind 'health': the route's health went from_state -> to_state (unknown, up, degraded, down).
-- kind 'switch': the peer's traffic moved from route from_state to this route (from_state null:
-- none carried it before).
CREATE TABLE route_history (
  n           INTEGER PRIMARY KEY,
  peer        TEXT NOT NULL,
  route       TEXT NOT NULL,
  kind        TEXT NOT NULL,
  from_state  TEXT,
  to_state    TEXT NOT NULL,
  at          TEXT NOT NULL,
  detail      TEXT NOT NULL
);
CREATE INDEX route_history_by_route ON route_history (peer, route, n);
`;
