/**
 * Delivery: the transport port and its wire types, the outbox with its per-(peer, line) couriers
 * and per-peer contact and backoff, catch-up by comparing heads, and pairing.
 *
 * This file is the folder's only door (see docs/DESIGN.md, the map).
 *
 * @module
 */
export { catchUp } from "./catch-up.js";
export { Outbox } from "./outbox.js";
export type { CourierState, LineDelivery, OutboxOptions } from "./outbox.js";
export { acceptInvite, answerPairRequest, createInvite, parseInvite } from "./pairing.js";
export type { Accepted, Invite } from "./pairing.js";
export { PAIR_REQUEST, targetOf, targetOn } from "./transport.js";
export type { PairRequest, PairResponse, PeerTarget, PeerTransport } from "./transport.js";
