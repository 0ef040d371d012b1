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

const MEMBER_PARAMS = z.object({ line: z.string().min(1).max(200), station: z.string().min(1).max(100) });

/** The station's identity key, and peers' key changes. */
export const keyRoutes = routes({
  "POST /api/key/rotate": {
    summary:
      "Rotate this station's identity key: a new key, announced on every line in an entry signed by the old key and the new (admin)",
    response: { 200: KEY_ROTATED, ...ERRORS },
  },
  "POST /api/lines/:line/members/:station/key-change/ack": {
    summary:
      "Acknowledge that a participant's key changed and its new safety code was read aloud (kept at this station only)",
    params: MEMBER_PARAMS,
    response: { 200: KEY_CHANGE_ACKED, ...ERRORS },
  },
});
