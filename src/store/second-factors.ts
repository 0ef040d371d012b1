/** An operator's TOTP factor as kept: its secret only sealed. */
export interface SecondFactorRow {
  operator: string;
  /** the TOTP secret, sealed with the station's second-factor key (never in clear) */
  sealedSecret: string;
  createdAt: string;
  /** null while enrolment waits for the first code */
  confirmedAt: string | null;
  /** the newest 30-second step whose code was accepted: an older or equal one is refused */
  lastStep: number;
}

/** Operators' second factors and recovery codes. */
export interface SecondFactorStore {
  /** @returns the operator's factor, confirmed or waiting, or null */
  secondFactor(operator: string): Promise<SecondFactorRow | null>;
  /** Starts (or restarts) enrolment: replaces any factor and recovery codes of the operator. */
  startSecondFactor(row: Omit<SecondFactorRow, "confirmedAt">): Promise<void>;
  /**
   * Turns the factor on with its first accepted step and its recovery codes (hashes).
   *
   * @returns false if the operator has no factor waiting for confirmation
   */
  confirmSecondFactor(
    operator: string,
    step: number,
    codeHashes: readonly string[],
    at: string,
  ): Promise<boolean>;
  /**
   * Uses a step's code: only if the step is newer than every step used before (no replay).
   *
   * @returns whether it was newer, and is now the last used
   */
  useTotpStep(operator: string, step: number): Promise<boolean>;
  /** @returns whether the code's hash was an unused recovery code of the operator (now used) */
  useRecoveryCode(operator: string, codeHash: string, at: string): Promise<boolean>;
  /** @returns how many recovery codes of the operator are left unused */
  recoveryCodesLeft(operator: string): Promise<number>;
  /** Removes the operator's factor and recovery codes. @returns whether it had a factor */
  deleteSecondFactor(operator: string): Promise<boolean>;
}
