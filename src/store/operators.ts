import type { Role } from "./rows.js";

/** An operator as kept (its password only as a hash). */
export interface OperatorRow {
  name: string;
  role: Role;
  passwordHash: string;
  disabled: boolean;
  createdAt: string;
}

/** A signed-in operator's console session. */
export interface SessionRow {
  /** SHA-256 (hex) of the session's secret id */
  idHash: string;
  operator: string;
  csrf: string;
  createdAt: string;
  expiresAt: string;
}

/** Operators, their console sessions and the language each chose. */
export interface OperatorStore {
  /** @throws HotlineError OPERATOR_EXISTS when the name is taken */
  addOperator(operator: OperatorRow): Promise<void>;
  /** @returns the operator of that name, or null */
  operator(name: string): Promise<OperatorRow | null>;
  /** @returns every operator, oldest first */
  operators(): Promise<OperatorRow[]>;
  /** @returns false if there is no such operator */
  setOperatorPassword(name: string, passwordHash: string): Promise<boolean>;
  /** @returns false if there is no such operator */
  setOperatorDisabled(name: string, disabled: boolean): Promise<boolean>;
  /** @returns the language an operator chose for the console, or null */
  operatorLang(name: string): Promise<string | null>;
  /** @returns false if there is no such operator */
  setOperatorLang(name: string, lang: string): Promise<boolean>;

  /** Keeps a session; sessions expired by its creation are dropped. */
  addSession(session: SessionRow): Promise<void>;
  /** @returns the session, if it exists and has not expired at `now` */
  session(idHash: string, now: string): Promise<SessionRow | null>;
  deleteSession(idHash: string): Promise<void>;
  /** Ends every session of an operator (disabled, or a new password). @returns how many */
  deleteSessionsOf(operator: string): Promise<number>;
}
