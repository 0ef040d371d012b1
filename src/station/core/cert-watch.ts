import { readFileSync } from "node:fs";
import { isoNow, type Timer } from "./clock.js";
import { completeRenewal } from "./cert-renewal.js";
import type { Station } from "./station.js";
import { certFingerprint, certNotAfter } from "./tls.js";

/** A certificate that expires within this many days raises CERT_EXPIRING. */
export const CERT_EXPIRING_DAYS = 30;
const DAY_MS = 24 * 3600_000;

/**
 * Raises CERT_EXPIRING (warning) when the certificate the station presents expires within
 * {@link CERT_EXPIRING_DAYS} days, and clears it for a certificate no longer presented.
 *
 * @param station the station
 * @returns whether the certificate it presents is expiring
 */
export async function checkCertExpiry(station: Station): Promise<boolean> {
  const pem = readFileSync(station.paths.tlsCert, "utf8");
  const cert = certFingerprint(pem);
  const notAfter = certNotAfter(pem);
  const at = isoNow(station.clock);
  for (const alarm of await station.store.alarms()) {
    if (alarm.code === "CERT_EXPIRING" && alarm.entry !== null && alarm.entry !== cert) {
      await station.store.clearAlarmsOfEntry({ entry: alarm.entry, peer: null, code: "CERT_EXPIRING" }, at);
    }
  }
  const expiring = notAfter - station.clock.now() <= CERT_EXPIRING_DAYS * DAY_MS;
  if (expiring) {
    await station.raiseAlarm({
      code: "CERT_EXPIRING",
      severity: "warning",
      line: null,
      peer: null,
      entry: cert,
      detail: `This station's TLS certificate ${cert.slice(0, 19)}… expires at ${new Date(notAfter).toISOString()}: run 'hotline cert renew' (peers re-pin it, no pairing again)`,
      cause: cert,
    });
  }
  return expiring;
}

/**
 * What `hotline start` runs for the station's certificate: the expiry check at start and daily on
 * the station's clock, and the switch to a renewed certificate once every participant has
 * receipted its announcement (checked at start and whenever a peer's head statement is stored).
 */
export class CertWatch {
  readonly #station: Station;
  #timer: Timer | null = null;
  /** one check at a time; another asked meanwhile runs after it */
  #running: Promise<void> = Promise.resolve();
  readonly #onStatement = (): void => this.#later(() => completeRenewal(this.#station).then(() => undefined));
  readonly #onCertificate = (): void =>
    this.#later(() => checkCertExpiry(this.#station).then(() => undefined));

  constructor(station: Station) {
    this.#station = station;
  }

  async start(): Promise<void> {
    await completeRenewal(this.#station);
    await checkCertExpiry(this.#station);
    this.#timer = this.#station.clock.setInterval(
      () => this.#later(() => checkCertExpiry(this.#station).then(() => undefined)),
      DAY_MS,
    );
    this.#timer.unref();
    this.#station.events.on("statement", this.#onStatement);
    this.#station.events.on("certificate", this.#onCertificate);
  }

  /** @returns once the checks asked so far are done */
  settled(): Promise<void> {
    return this.#running;
  }

  stop(): void {
    this.#station.clock.clearTimer(this.#timer);
    this.#station.events.off("statement", this.#onStatement);
    this.#station.events.off("certificate", this.#onCertificate);
  }

  #later(check: () => Promise<void>): void {
    this.#running = this.#running.then(check).catch((error: unknown) => {
      this.#station.logger.warn(
        { event: "cert.check_failed", err: error },
        "checking the station's certificate failed",
      );
    });
  }
}
