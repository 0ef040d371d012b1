import { z } from "zod";
import type { AuditRow } from "../../store/rows.js";
import { ERRORS, routes, viewOf } from "./route.js";

const CODE = z.string().min(1).max(64);
export const CODE_REQUEST = z.strictObject({ code: CODE });
const OPERATOR_PARAM = z.object({ name: z.string().min(1).max(64) });

const STATUS = z.object({ on: z.boolean(), required: z.boolean(), recoveryCodesLeft: z.number() });
const ENROLMENT = z.object({ secret: z.string(), uri: z.string(), qrSvg: z.string() });

/** One row of the audit log. */
export const AUDIT_ROW = viewOf<AuditRow>()(
  z.object({
    n: z.number(),
    at: z.string(),
    operator: z.string().nullable(),
    action: z.string(),
    object: z.string().nullable(),
    outcome: z.enum(["allowed", "refused"]),
    code: z.string().nullable(),
    origin: z.string(),
    via: z.string(),
    secondFactor: z.string().nullable(),
  }),
);

export const AUDIT_QUERY = z.object({
  since: z.iso.datetime().optional(),
  operator: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});

/** The operator's own second factor (the console's enrolment), an admin's reset, and the audit log. */
export const secondFactorRoutes = routes({
  "GET /api/second-factor": {
    summary: "The acting operator's second factor: on, required, recovery codes left",
    response: { 200: STATUS, ...ERRORS },
  },
  "POST /api/second-factor": {
    summary:
      "Begin enrolling the acting operator's TOTP factor: the secret, its otpauth:// URI and a QR code (SVG), shown this once; on only once confirmed",
    response: { 200: ENROLMENT, ...ERRORS },
  },
  "POST /api/second-factor/confirm": {
    summary:
      "Confirm enrolment with a current code: the factor is on; the 10 recovery codes are answered this once",
    body: CODE_REQUEST,
    response: { 200: z.object({ recoveryCodes: z.array(z.string()) }), ...ERRORS },
  },
  "POST /api/second-factor/disable": {
    summary: "Turn the acting operator's own factor off with a current or recovery code (not for admins)",
    body: CODE_REQUEST,
    response: { 200: STATUS, ...ERRORS },
  },
  "POST /api/operators/:name/reset-2fa": {
    summary: "Remove an operator's second factor and end its sessions (a lost phone): admins only",
    params: OPERATOR_PARAM,
    response: { 200: z.object({ name: z.string(), reset: z.boolean() }), ...ERRORS },
  },
  "GET /api/audit": {
    summary: "The audit log, newest first: every operator action and sign-in attempt (admins only)",
    querystring: AUDIT_QUERY,
    response: { 200: z.array(AUDIT_ROW), ...ERRORS },
  },
});
