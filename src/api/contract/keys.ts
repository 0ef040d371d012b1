import { z } from "zod";
import { ERRORS, routes } from "./route.js";

/** What a key rotation did: the new key, its fingerprint, and its entry on each line. */
export const KEY_ROTATED = z.object({
  key: z.string(),
  fingerprint: z.string(),
  lines: z.array(z.object({ id: z.string(), name: z.string(), hash: z.string(), seq: z.number() })),
});

/** The station's identity key. */
export const keyRoutes = routes({
  "POST /api/key/rotate": {
    summary:
      "Rotate this station's identity key: a new key, announced on every line in an entry signed by the old key and the new (admin)",
    response: { 200: KEY_ROTATED, ...ERRORS },
  },
});
