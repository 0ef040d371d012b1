import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HotlineError } from "../../record/mod.js";
import type { StationPaths } from "./config.js";
import type { Station } from "./station.js";
import { certFingerprint, certNotAfter, makeSelfSignedCertificate } from "./tls.js";

/** The certificate and key a renewal waits to switch to, beside the station's own. */
export function pendingCertPaths(paths: StationPaths): { cert: string; key: string } {
  return { cert: join(paths.dir, "tls.next.crt"), key: join(paths.dir, "tls.next.key") };
}

/** What `hotline cert renew` did. */
export interface CertRenewal {
  /** the new certificate's fingerprint */
  cert: string;
  /** when it expires */
  notAfter: string;
  /** the lines it was announced on (a `cert.renew` entry on each) */
  lines: number;
  /** whether the station already presents it (no participant had to receipt it first) */
  switched: boolean;
}

/**
 * Renews the station's TLS certificate: makes a new self-signed certificate and key (0600), kept
 * beside the current ones as `tls.next.*`, and announces its fingerprint on every line in a
 * `cert.renew` entry. The station goes on presenting the old certificate until every participant
 * of every line has receipted its `cert.renew` (see {@link completeRenewal}); its peers pin the new
 * one as they apply the entry and accept the old one meanwhile.
 *
 * @param station the station
 * @param options the operator who renews; how many days the certificate is valid (default 20 years)
 * @returns the new certificate, and on how many lines it was announced
 * @throws HotlineError RENEWAL_PENDING when a renewal is still waiting for receipts
 */
export async function renewCertificate(
  station: Station,
  options: { operator: string; validDays?: number | undefined },
): Promise<CertRenewal> {
  const next = pendingCertPaths(station.paths);
  if (existsSync(next.cert)) {
    throw new HotlineError(
      "RENEWAL_PENDING",
      `Cannot renew the certificate: the renewal to ${certFingerprint(readFileSync(next.cert, "utf8"))} still waits for every participant's receipt`,
    );
  }
  const tls = await makeSelfSignedCertificate(
    station.config.name,
    [new URL(station.config.url).hostname.replace(/^\[|\]$/g, "")],
    {
      now: station.clock.now(),
      ...(options.validDays === undefined ? {} : { validDays: options.validDays }),
    },
  );
  writeFileSync(next.key, tls.key, { mode: 0o600, flag: "wx" });
  writeFileSync(next.cert, tls.cert, { mode: 0o644, flag: "wx" });
  const cert = certFingerprint(tls.cert);
  let lines = 0;
  for (const line of await ownLines(station)) {
    await station.write(line, { kind: "cert.renew", body: { cert, operator: options.operator } });
    lines++;
  }
  station.logger.info({ event: "cert.renew", cert, lines }, "certificate renewal announced on every line");
  const switched = await completeRenewal(station);
  return { cert, notAfter: new Date(certNotAfter(tls.cert)).toISOString(), lines, switched };
}

/** @returns the lines the station is a participant of */
async function ownLines(station: Station): Promise<string[]> {
  const lines: string[] = [];
  for (const line of await station.store.lines()) {
    const members = await station.membersOf(line.id);
    if (members?.some((m) => m.station === station.id && m.active) === true) lines.push(line.id);
  }
  return lines;
}

/**
 * Switches to the renewed certificate once every participant of every line has receipted the
 * `cert.renew` naming it: the files take the current ones' names, and the station tells its
 * peer server and client to present it (no restart). A line the station joined or opened while
 * the renewal waited gets its `cert.renew` now, and is waited for in turn.
 *
 * @param station the station
 * @returns whether the station now presents the renewed certificate (false: still waiting, or none pending)
 */
export async function completeRenewal(station: Station): Promise<boolean> {
  const next = pendingCertPaths(station.paths);
  if (!existsSync(next.cert)) return false;
  if (!existsSync(next.key)) {
    // A switch stopped between its two renames: the key is in place, the certificate follows it.
    renameSync(next.cert, station.paths.tlsCert);
    station.reloadCertificate();
    return true;
  }
  const cert = certFingerprint(readFileSync(next.cert, "utf8"));
  let covered = true;
  for (const line of await ownLines(station)) {
    const members = (await station.membersOf(line)) ?? [];
    if (members.find((m) => m.station === station.id)?.cert !== cert) {
      await station.write(line, { kind: "cert.renew", body: { cert, operator: "station" } });
      covered = false;
      continue;
    }
    const renewals = (await station.store.entriesOfKind(line, "cert.renew")).filter(
      (e) => e.author === station.id,
    );
    const seq = renewals.at(-1)?.seq ?? 0;
    for (const m of members) {
      if (!m.active || m.station === station.id) continue;
      if ((await station.store.coveredSeq(line, m.station, station.id)) < seq) covered = false;
    }
  }
  if (!covered) return false;
  renameSync(next.key, station.paths.tlsKey);
  renameSync(next.cert, station.paths.tlsCert);
  station.reloadCertificate();
  station.logger.info(
    { event: "cert.switched", cert },
    "every participant has receipted the certificate renewal: presenting the new certificate",
  );
  return true;
}
