/**
 * What a station accepts for an operator's name, role and password: schemas without Node, so
 * the operator API's contract (src/api/contract/), which the console reads as types, can use them.
 *
 * @module
 */
import { z } from "zod";
import { OPERATOR } from "../../record/kinds.js";
import type { Role } from "../../store/rows.js";

/** The roles, from least to most allowed. */
export const ROLES = ["observer", "officer", "supervisor", "admin"] as const satisfies readonly Role[];

/** An operator's name as a station accepts it for a new operator: short, lowercase, no spaces. */
export const OPERATOR_NAME = OPERATOR.regex(
  /^[a-z0-9._-]{1,32}$/,
  "must be 1 to 32 lowercase letters, digits, '.', '_' or '-'",
);

/** The shortest password an operator may choose (generated ones are longer). */
export const MIN_PASSWORD_LENGTH = 12;

/** A password an operator chose. */
export const PASSWORD = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024);
