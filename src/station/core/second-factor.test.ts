import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { initStation } from "./init.js";
import { ManualClock } from "./manual-clock.js";
import { addOperator } from "./operators.js";
import {
  checkSecondFactor,
  confirmEnrolment,
  disableSecondFactor,
  lacksRequiredSecondFactor,
  resetSecondFactor,
  secondFactorStatus,
  startEnrolment,
} from "./second-factor.js";
import { SECOND_FACTOR_KEY_FILE } from "./second-factor-key.js";
import { Station } from "./station.js";
import { totpCode, TOTP_PERIOD } from "./totp.js";

const STEP_MS = TOTP_PERIOD * 1000;

describe("the TOTP second factor", () => {
  let root: string;
  let station: Station;
  let clock: ManualClock;
  /** the officer kim, enrolled: its secret and recovery codes */
  let secret: string;
  let recoveryCodes: string[];

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), "hotline-2fa-"));
    clock = new ManualClock({ start: "2026-12-07T09:00:10.000Z" });
    await initStation({ dir: join(root, "washington"), name: "Washington", listen: "127.0.0.1:17391" });
    station = await Station.open({ dir: join(root, "washington"), clock });
    await addOperator(station, { name: "kim", role: "officer", by: "admin" });
    secret = (await startEnrolment(station, "kim")).secret;
    ({ recoveryCodes } = await confirmEnrolment(station, "kim", totpCode(secret, clock.now())));
    clock.t += STEP_MS; // the step of the confirming code is used
  });
  afterEach(async () => {
    await station.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("checkSecondFactor() accepts the current code, once: the same code again is a replay", async () => {
    const code = totpCode(secret, clock.now());
    expect(await checkSecondFactor(station, "kim", code)).toBe("totp");
    await expect(checkSecondFactor(station, "kim", code)).rejects.toMatchObject({
      code: "BAD_SECOND_FACTOR",
    });
  });

  it("checkSecondFactor() accepts the previous step's code (a slow clock), and the next step's (a fast one)", async () => {
    clock.t += 4 * STEP_MS;
    expect(await checkSecondFactor(station, "kim", totpCode(secret, clock.now() - STEP_MS))).toBe("totp");
    expect(await checkSecondFactor(station, "kim", totpCode(secret, clock.now() + STEP_MS))).toBe("totp");
  });

  it("checkSecondFactor() refuses a code two steps old, and one of an older step than one already used", async () => {
    clock.t += 4 * STEP_MS;
    const tooOld = totpCode(secret, clock.now() - 2 * STEP_MS);
    await expect(checkSecondFactor(station, "kim", tooOld)).rejects.toMatchObject({
      code: "BAD_SECOND_FACTOR",
    });
    expect(await checkSecondFactor(station, "kim", totpCode(secret, clock.now()))).toBe("totp");
    const previous = totpCode(secret, clock.now() - STEP_MS);
    await expect(checkSecondFactor(station, "kim", previous)).rejects.toMatchObject({
      code: "BAD_SECOND_FACTOR",
    });
  });

  it("checkSecondFactor() refuses a wrong code and anything not a code", async () => {
    const right = totpCode(secret, clock.now());
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    for (const code of [wrong, "", "abc", "1234567", "x".repeat(64)]) {
      await expect(checkSecondFactor(station, "kim", code)).rejects.toMatchObject({
        code: "BAD_SECOND_FACTOR",
      });
    }
  });

  it("a recovery code signs in once, typed in any case and with or without its dashes", async () => {
    const [first, second] = recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(await checkSecondFactor(station, "kim", first ?? "")).toBe("recovery");
    await expect(checkSecondFactor(station, "kim", first ?? "")).rejects.toMatchObject({
      code: "BAD_SECOND_FACTOR",
    });
    expect(await checkSecondFactor(station, "kim", (second ?? "").replaceAll("-", "").toUpperCase())).toBe(
      "recovery",
    );
    expect((await secondFactorStatus(station, "kim")).recoveryCodesLeft).toBe(8);
  });

  it("the secret and recovery codes are not in the database in clear; the key file is 0600", async () => {
    await station.close();
    const db = readFileSync(station.paths.database).toString("latin1");
    const wal = readFileSync(`${station.paths.database}-wal`, { flag: "a+" }).toString("latin1");
    for (const secretThing of [secret, ...recoveryCodes]) {
      expect(db).not.toContain(secretThing);
      expect(wal).not.toContain(secretThing);
    }
    expect(statSync(join(station.paths.dir, SECOND_FACTOR_KEY_FILE)).mode & 0o777).toBe(0o600);
    station = await Station.open({ dir: station.paths.dir, clock }); // for afterEach to close
  });

  it("enrolment is on only once confirmed with a current code, and cannot begin again while on", async () => {
    await addOperator(station, { name: "lee", role: "officer", by: "admin" });
    const lee = await startEnrolment(station, "lee");
    expect(lee.uri).toMatch(/^otpauth:\/\/totp\/.*lee\?.*secret=/);
    expect((await secondFactorStatus(station, "lee")).on).toBe(false);
    await expect(confirmEnrolment(station, "lee", "000000")).rejects.toMatchObject({
      code: "BAD_SECOND_FACTOR",
    });
    await confirmEnrolment(station, "lee", totpCode(lee.secret, clock.now()));
    expect(await secondFactorStatus(station, "lee")).toEqual({
      on: true,
      required: false,
      recoveryCodesLeft: 10,
    });
    await expect(startEnrolment(station, "lee")).rejects.toMatchObject({ code: "ALREADY_ENROLLED" });
    await expect(confirmEnrolment(station, "lee", "123456")).rejects.toMatchObject({ code: "NOT_ENROLLING" });
  });

  it("an admin must have the factor and cannot turn it off; another admin can reset anyone's", async () => {
    expect(await lacksRequiredSecondFactor(station, "admin")).toBe(true);
    expect(await lacksRequiredSecondFactor(station, "kim")).toBe(false);
    const admin = await startEnrolment(station, "admin");
    await confirmEnrolment(station, "admin", totpCode(admin.secret, clock.now()));
    expect(await lacksRequiredSecondFactor(station, "admin")).toBe(false);
    await expect(disableSecondFactor(station, "admin", "x")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(resetSecondFactor(station, "admin", { by: "kim" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await resetSecondFactor(station, "kim", { by: "admin" })).toEqual({ name: "kim", reset: true });
    expect((await secondFactorStatus(station, "kim")).on).toBe(false);
  });

  it("an officer turns its own factor off only with a current or recovery code", async () => {
    await expect(disableSecondFactor(station, "kim", "000000")).rejects.toMatchObject({
      code: "BAD_SECOND_FACTOR",
    });
    expect((await secondFactorStatus(station, "kim")).on).toBe(true);
    expect(await disableSecondFactor(station, "kim", recoveryCodes[0] ?? "")).toMatchObject({ on: false });
  });
});
