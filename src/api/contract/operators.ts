import { z } from "zod";
import { HOOK_REQUEST } from "../../station/attention/mod.js";
import { OPERATOR_NAME, PASSWORD, ROLES } from "../../station/core/mod.js";
import { HOOK, OPERATOR_SUMMARY } from "./answers.js";
import { ERRORS, routes } from "./route.js";

export const ADD_OPERATOR_REQUEST = z.strictObject({ name: OPERATOR_NAME, role: z.enum(ROLES) });
/** No password: the station generates one and answers it, once. */
export const PASSWORD_REQUEST = z.strictObject({ password: PASSWORD.optional() });
export const DISABLE_REQUEST = z.strictObject({}).optional();
const OPERATOR_PARAM = z.object({ name: z.string().min(1).max(64) });
const HOOK_PARAM = z.object({ id: z.coerce.number().int().min(1) });

/** Operators and alarm hooks: admins only. */
export const operatorRoutes = routes({
  "GET /api/operators": {
    summary: "Operators: name, role, whether disabled, when added",
    response: { 200: z.array(OPERATOR_SUMMARY), ...ERRORS },
  },
  "POST /api/operators": {
    summary: "Add an operator; the answer holds its generated password, shown once",
    body: ADD_OPERATOR_REQUEST,
    response: { 200: OPERATOR_SUMMARY.extend({ password: z.string() }), ...ERRORS },
  },
  "POST /api/operators/:name/password": {
    summary: "Set an operator's password: the one given, or a generated one answered once",
    params: OPERATOR_PARAM,
    body: PASSWORD_REQUEST,
    response: { 200: z.object({ name: z.string(), password: z.string().exactOptional() }), ...ERRORS },
  },
  "POST /api/operators/:name/disable": {
    summary: "Disable an operator (not the last enabled admin)",
    params: OPERATOR_PARAM,
    body: DISABLE_REQUEST,
    response: { 200: OPERATOR_SUMMARY, ...ERRORS },
  },
  "GET /api/hooks": {
    summary: "Alarm hooks, oldest first",
    response: { 200: z.array(HOOK), ...ERRORS },
  },
  "POST /api/hooks": {
    summary: "Add an alarm hook: a command (argv, no shell) or a webhook, for alarms of at least a severity",
    body: HOOK_REQUEST,
    response: { 200: HOOK, ...ERRORS },
  },
  "DELETE /api/hooks/:id": {
    summary: "Remove an alarm hook",
    params: HOOK_PARAM,
    response: { 200: HOOK, ...ERRORS },
  },
});
