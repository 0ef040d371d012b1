import { z } from "zod";
import { ERRORS, routes } from "./route.js";

/** What a key rotation did: the new key, its fingerprint, and its entry on each line. */
export const KEY_ROTATED = z.object({
  key: z.string(),
  fingerprint: z.string(),
  lines: z.array(z.object({ id: z.string(), name: z.string(), hash: z.string(), seq: z.number() })),
});

/** A participant's key change, acknowledged here. */
export const KEY_CHANGE_ACKED = z.object({
  line: z.string(),
  station: z.string(),
  key: z.string(),
  safetyCode: z.string().nullable(),
});

/** What revoking this station's key did: per line, its entry, the re-pairing token and the new codes. */
export const KEY_REVOKED = z.object({
  key: z.string(),
  fingerprint: z.string(),
  since: z.string(),
  lines: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      hash: z.string(),
      seq: z.number(),
      token: z.string(),
      peers: z.array(z.object({ id: z.string(), name: z.string(), safetyCode: z.string() })),
    }),
  ),
});

/** A peer's new key, accepted here after its revocation. */
export const KEY_ACCEPTED = z.object({
  line: z.string(),
  station: z.string(),
  key: z.string(),
  since: z.string(),
  hash: z.string(),
  safetyCode: z.string(),
});

const MEMBER_PARAMS = z.object({ line: z.string().min(1).max(200), station: z.string().min(1).max(100) });

/** The station's identity key, and peers' key changes. */
export const keyRoutes = routes({
  "POST /api/key/rotate": {
    summary:
      "Rotate this station's identity key: a new key, announced on every line in an entry signed by the old key and the new (admin)",
    response: { 200: KEY_ROTATED, ...ERRORS },
  },
  "POST /api/key/revoke": {
    summary:
      "Revoke this station's identity key, believed stolen since a time: a new key, announced on every line in an entry signed by the new key; returns a re-pairing token per line for the peers (admin)",
    body: z.strictObject({ since: z.string().min(1).max(40) }),
    response: { 200: KEY_REVOKED, ...ERRORS },
  },
  "POST /api/key/accept": {
    summary:
      "Accept a peer's new key after its revocation, from the re-pairing token its operators gave out of band, once the new safety code was read aloud (admin)",
    body: z.strictObject({ token: z.string().min(1).max(4096) }),
    response: { 200: KEY_ACCEPTED, ...ERRORS },
  },
  "POST /api/lines/:line/members/:station/key-change/ack": {
    summary:
      "Acknowledge that a participant's key changed and its new safety code was read aloud (kept at this station only)",
    params: MEMBER_PARAMS,
    response: { 200: KEY_CHANGE_ACKED, ...ERRORS },
  },
});
