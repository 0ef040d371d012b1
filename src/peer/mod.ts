/**
 * Station to station: the mutual-TLS peer API and the client that talks to it.
 *
 * @module
 */
export {
  buildPeerServer,
  peerServerShares,
  type PeerServerShares,
  DEFAULT_PEER_SERVER_LIMITS,
  MAX_BATCH,
  MAX_REQUEST_BYTES,
  type PeerServerLimits,
} from "./server.js";
export { PeerClient, PeerRejection } from "./client.js";
export { PinnedAgent } from "./pinned-agent.js";
