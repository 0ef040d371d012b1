export { catchUp } from "./catch-up.js";
export { Outbox } from "./outbox.js";
export type { CourierState, LineDelivery, OutboxOptions } from "./outbox.js";
export { acceptInvite, answerPairRequest, createInvite, parseInvite } from "./pairing.js";
export type { Accepted, Invite } from "./pairing.js";
export { PAIR_REQUEST } from "./transport.js";
export type { PairRequest, PairResponse, PeerTarget, PeerTransport } from "./transport.js";
