import { z } from "zod";
import { ERRORS, routes } from "./route.js";

export const RENEW_CERT_REQUEST = z
  .strictObject({
    /** how many days the new certificate is valid (default 20 years) */
    validDays: z.number().int().min(1).max(36_500).optional(),
  })
  .optional();

/** What a certificate renewal did. */
export const CERT_RENEWAL = z.object({
  cert: z.string(),
  notAfter: z.string(),
  lines: z.number().int(),
  switched: z.boolean(),
});

/** The station's TLS certificate: admins only. */
export const certRoutes = routes({
  "POST /api/cert/renew": {
    summary:
      "Make a new TLS certificate and announce it on every line (cert.renew); the station presents it once every participant has receipted that",
    body: RENEW_CERT_REQUEST,
    response: { 200: CERT_RENEWAL, ...ERRORS },
  },
});
