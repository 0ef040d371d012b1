import type { z } from "zod";
import { HotlineError } from "../../record/mod.js";
import type { OperatorRow, OperatorStore, Role } from "../../store/mod.js";
import { isoNow } from "./clock.js";
import { OPERATOR_NAME, PASSWORD, ROLES } from "./operator-schemas.js";
import { generatePassword, hashPassword } from "./password.js";
import type { Station } from "./station.js";

export { MIN_PASSWORD_LENGTH, OPERATOR_NAME, PASSWORD, ROLES } from "./operator-schemas.js";

/** What an action takes: the roles allowed to do it, and how to name it to a person. */
export interface Permission {
  /** the roles allowed */
  roles: readonly Role[];
  /** what the action is, to complete "Cannot …", e.g. "make an invite" */
  action: string;
  /**
   * a console session may do it before its operator has the second factor it must have: signing
   * out and enrolling (every other action then answers SECOND_FACTOR_REQUIRED)
   */
  beforeSecondFactor?: true;
}

const OFFICER_UP = ["officer", "supervisor", "admin"] as const satisfies readonly Role[];
const SUPERVISOR_UP = ["supervisor", "admin"] as const satisfies readonly Role[];
const ADMIN = ["admin"] as const satisfies readonly Role[];

/**
 * Who may do what: the one place roles are given their powers. Observers only read; officers also
 * write messages and attach translations; supervisors also change line settings, request and
 * answer calls, and publish and mark readouts; admins also open lines, pair stations and manage
 * operators.
 */
export const PERMISSIONS = {
  read: { roles: ROLES, action: "read" },
  ownSignIn: {
    roles: ROLES,
    action: "sign out, or manage their own second factor",
    beforeSecondFactor: true,
  },
  audit: { roles: ADMIN, action: "read the audit log" },
  write: { roles: OFFICER_UP, action: "change anything" },
  send: { roles: OFFICER_UP, action: "send a message" },
  openLine: { roles: ADMIN, action: "open a line" },
  invite: { roles: ADMIN, action: "make an invite" },
  accept: { roles: ADMIN, action: "accept an invite" },
  approveMember: { roles: ADMIN, action: "consent to a station joining a line" },
  rotateKey: { roles: ADMIN, action: "rotate the station key" },
  revokeKey: { roles: ADMIN, action: "revoke the station key" },
  acceptKey: { roles: ADMIN, action: "accept a peer's new key after its revocation" },
  ackKeyChange: { roles: OFFICER_UP, action: "acknowledge a peer's key change" },
  manageOperators: { roles: ADMIN, action: "manage operators" },
  manageHooks: { roles: ADMIN, action: "manage alarm hooks" },
  manageRoutes: { roles: ADMIN, action: "add or remove a route" },
  backup: { roles: ADMIN, action: "back up the station" },
  renewCert: { roles: ADMIN, action: "renew the station's certificate" },
  changeSettings: { roles: SUPERVISOR_UP, action: "change a line's settings" },
  suspend: { roles: SUPERVISOR_UP, action: "suspend or resume a line" },
  ackAlarm: { roles: OFFICER_UP, action: "acknowledge an alarm" },
  ack: { roles: OFFICER_UP, action: "acknowledge a message" },
  call: { roles: SUPERVISOR_UP, action: "request, answer or record a call" },
  readout: { roles: SUPERVISOR_UP, action: "publish or mark a readout" },
  translate: { roles: OFFICER_UP, action: "attach a translation" },
  notify: {
    roles: OFFICER_UP,
    action: "notify, update or cancel a notification, or ask or answer about one",
  },
  zones: { roles: SUPERVISOR_UP, action: "add or remove a protected zone" },
} as const satisfies Record<string, Permission>;

/** An operator as listed: never its password hash. */
export interface OperatorSummary {
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

/** A new operator, with the password it was given (shown once). */
export interface AddedOperator extends OperatorSummary {
  password: string;
}

/**
 * Checks that an operator exists, is not disabled, and holds one of the roles an action takes.
 *
 * @param station the station
 * @param name the operator acting
 * @param permission the roles allowed and the action's name (see {@link PERMISSIONS})
 * @returns the operator
 * @throws HotlineError UNKNOWN_OPERATOR, or FORBIDDEN (disabled, or not in a role allowed)
 * @example
 * ```ts
 * await requireRole(station, "kim", PERMISSIONS.invite);
 * // FORBIDDEN: Cannot make an invite: operator 'kim' is an officer; it takes an admin
 * ```
 */
export async function requireRole(
  station: Station,
  name: string,
  permission: Permission,
): Promise<OperatorRow> {
  const operator = await station.operator(name);
  if (!permission.roles.includes(operator.role)) {
    throw new HotlineError(
      "FORBIDDEN",
      `Cannot ${permission.action}: operator '${name}' is ${withArticle(operator.role)}; it takes ${anyOf(permission.roles)}`,
    );
  }
  return operator;
}

/**
 * Adds an operator with a generated password, stored only as a scrypt hash.
 *
 * @param station the station
 * @param options the new operator's name and role, and the admin adding it
 * @returns the operator, with its password: the only time it is shown
 * @throws HotlineError FORBIDDEN, BAD_INPUT (the name), OPERATOR_EXISTS
 */
export async function addOperator(
  station: Station,
  options: { name: string; role: Role; by: string },
): Promise<AddedOperator> {
  await requireRole(station, options.by, PERMISSIONS.manageOperators);
  const name = OPERATOR_NAME.safeParse(options.name);
  if (!name.success) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot add operator '${options.name}': its name ${problemOf(name.error)}`,
    );
  }
  if (!(ROLES as readonly string[]).includes(options.role)) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot add operator '${options.name}': its role must be one of ${ROLES.join(", ")}`,
    );
  }
  if ((await station.store.operator(name.data)) !== null) throw operatorExists(name.data);
  const password = generatePassword();
  const row: OperatorRow = {
    name: name.data,
    role: options.role,
    passwordHash: await hashPassword(password),
    disabled: false,
    createdAt: isoNow(station.clock),
  };
  await station.store.addOperator(row);
  return { ...summaryOf(row), password };
}

/**
 * @param station the station
 * @param options the admin asking
 * @returns every operator, oldest first, without password hashes
 */
export async function listOperators(station: Station, options: { by: string }): Promise<OperatorSummary[]> {
  await requireRole(station, options.by, PERMISSIONS.manageOperators);
  return (await station.store.operators()).map(summaryOf);
}

/**
 * Gives an operator a new password: the one given, or a generated one.
 *
 * @param station the station
 * @param name the operator whose password changes
 * @param options the new password (else one is generated), and the admin changing it
 * @returns the operator's name, and the generated password if one was generated (shown once)
 * @throws HotlineError FORBIDDEN, UNKNOWN_OPERATOR, BAD_INPUT (a password too short)
 */
export async function setPassword(
  station: Station,
  name: string,
  options: { password?: string | undefined; by: string },
): Promise<{ name: string; password?: string }> {
  await requireRole(station, options.by, PERMISSIONS.manageOperators);
  await existing(station.store, name);
  let chosen: string | undefined;
  if (options.password !== undefined) {
    const parsed = PASSWORD.safeParse(options.password);
    if (!parsed.success) {
      throw new HotlineError(
        "BAD_INPUT",
        `Cannot set the password of operator '${name}': the password ${problemOf(parsed.error)}`,
      );
    }
    chosen = parsed.data;
  }
  const password = chosen ?? generatePassword();
  const hash = await hashPassword(password);
  if (!(await station.store.setOperatorPassword(name, hash))) throw unknownOperator(name);
  await station.store.deleteSessionsOf(name); // a new password ends the console sessions of the old one
  return chosen === undefined ? { name, password } : { name };
}

/**
 * Disables an operator: it can no longer act. The last enabled admin cannot be disabled, so that
 * someone can always manage the station.
 *
 * @param station the station
 * @param name the operator to disable
 * @param options the admin disabling it
 * @returns the operator as it now is
 * @throws HotlineError FORBIDDEN, UNKNOWN_OPERATOR, LAST_ADMIN
 */
export async function disableOperator(
  station: Station,
  name: string,
  options: { by: string },
): Promise<OperatorSummary> {
  await requireRole(station, options.by, PERMISSIONS.manageOperators);
  // Counted and changed in one write transaction, so two admins disabling each other at once
  // cannot leave the station with none.
  return station.store.transaction(async (tx) => {
    const operator = await existing(tx, name);
    if (operator.role === "admin" && !operator.disabled) {
      const admins = (await tx.operators()).filter((o) => o.role === "admin" && !o.disabled);
      if (admins.length <= 1) {
        throw new HotlineError(
          "LAST_ADMIN",
          `Cannot disable operator '${name}': it is the last enabled admin; add another admin first`,
        );
      }
    }
    await tx.setOperatorDisabled(name, true);
    await tx.deleteSessionsOf(name);
    return summaryOf({ ...operator, disabled: true });
  });
}

async function existing(store: Pick<OperatorStore, "operator">, name: string): Promise<OperatorRow> {
  const operator = await store.operator(name);
  if (operator === null) throw unknownOperator(name);
  return operator;
}

function summaryOf(row: OperatorRow): OperatorSummary {
  return { name: row.name, role: row.role, disabled: row.disabled, createdAt: row.createdAt };
}

function unknownOperator(name: string): HotlineError {
  return new HotlineError(
    "UNKNOWN_OPERATOR",
    `Cannot find operator '${name}': there is no such operator here (see 'hotline operator list')`,
  );
}

function operatorExists(name: string): HotlineError {
  return new HotlineError("OPERATOR_EXISTS", `Cannot add operator '${name}': that name is taken`);
}

function problemOf(error: z.ZodError): string {
  return error.issues[0]?.message ?? "is not valid";
}

function withArticle(role: Role): string {
  return `${/^[aeiou]/.test(role) ? "an" : "a"} ${role}`;
}

function anyOf(roles: readonly Role[]): string {
  const named = roles.map(withArticle);
  return named.length <= 1 ? (named[0] ?? "no role") : `${named.slice(0, -1).join(", ")} or ${named.at(-1)}`;
}

/**
 * @param station the station
 * @param name an operator's name
 * @returns the operator, disabled or not, or null if there is none of that name (for signing in)
 */
export function findOperator(station: Station, name: string): Promise<OperatorRow | null> {
  return station.store.operator(name);
}

/**
 * @param station the station
 * @param name an operator's name
 * @returns the language the operator chose for the console, or null
 */
export function operatorLang(station: Station, name: string): Promise<string | null> {
  return station.store.operatorLang(name);
}

/**
 * Keeps the language an operator chose for the console.
 *
 * @param station the station
 * @param name an operator's name
 * @param lang the language
 * @returns false if there is no such operator
 */
export function setOperatorLang(station: Station, name: string, lang: string): Promise<boolean> {
  return station.store.setOperatorLang(name, lang);
}
