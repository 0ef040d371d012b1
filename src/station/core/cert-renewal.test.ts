import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { completeRenewal, pendingCertPaths, renewCertificate } from "./cert-renewal.js";
import { CertWatch } from "./cert-watch.js";
import { certFingerprint, makeSelfSignedCertificate } from "./tls.js";

const DAY = 24 * 3600_000;

describe("certificate renewal and CERT_EXPIRING, on a clock the test moves", () => {
  let pair: InProcessPair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  async function openAlarms(p: InProcessPair) {
    return (await p.washington.store.alarms()).filter(
      (a) => a.code === "CERT_EXPIRING" && a.clearedAt === null,
    );
  }

  it("a certificate 40 days from expiry raises CERT_EXPIRING once it is 30 days away (checked daily), and renewal clears it when the station switches", async () => {
    pair = await inProcessPair();
    const p = pair;
    const { washington, moscow, line, clock } = p;
    // Washington's certificate, made on the test's clock, runs out in 40 days.
    const short = await makeSelfSignedCertificate("Washington", [], { now: clock.now(), validDays: 40 });
    writeFileSync(washington.paths.tlsCert, short.cert);
    writeFileSync(washington.paths.tlsKey, short.key);
    const watch = new CertWatch(washington);
    try {
      await watch.start();
      expect(await openAlarms(p)).toEqual([]);
      await clock.advance(9 * DAY);
      await watch.settled();
      expect(await openAlarms(p)).toEqual([]);
      await clock.advance(2 * DAY);
      await watch.settled();
      expect(await openAlarms(p)).toMatchObject([
        // one alarm, raised on day 10 and counted again on day 11's check
        { severity: "warning", entry: certFingerprint(short.cert), count: 2 },
      ]);

      const renewed = await renewCertificate(washington, { operator: "admin" });
      // Moscow has not receipted the cert.renew yet: the old certificate is still presented.
      expect(renewed).toMatchObject({ lines: 1, switched: false });
      expect(readFileSync(washington.paths.tlsCert, "utf8")).toBe(short.cert);
      expect(await openAlarms(p)).toHaveLength(1);

      await p.deliver(washington, moscow);
      const atMoscow = (await moscow.store.members(line)).find((m) => m.station === washington.id);
      expect(atMoscow).toMatchObject({ cert: renewed.cert, previousCert: washington.certFingerprint });
      // Moscow's receipt reaches Washington: it switches, and the alarm clears.
      await washington.acceptStatement(await moscow.headStatement(line), moscow.id);
      await watch.settled();
      await watch.settled();
      expect(washington.certFingerprint).toBe(renewed.cert);
      expect(certFingerprint(readFileSync(washington.paths.tlsCert, "utf8"))).toBe(renewed.cert);
      expect(await openAlarms(p)).toEqual([]);
      // A day later the new certificate (20 years) raises nothing.
      await clock.advance(DAY);
      await watch.settled();
      expect(await openAlarms(p)).toEqual([]);
    } finally {
      watch.stop();
    }
    for (const station of [washington, moscow]) {
      expect((await station.verify()).ok).toBe(true);
    }
  });

  it("the peer accepts the renewing station's old certificate for 7 days on its clock, and not after", async () => {
    pair = await inProcessPair();
    const { washington, moscow, line, clock } = pair;
    const old = washington.certFingerprint;
    const renewed = await renewCertificate(washington, { operator: "admin" });
    await pair.deliver(washington, moscow);
    const member = async () => (await moscow.store.members(line)).find((m) => m.station === washington.id);
    const atMoscow = await member();
    if (atMoscow === undefined) throw new Error("Washington is no member at Moscow");
    expect([moscow.presents(atMoscow, renewed.cert), moscow.presents(atMoscow, old)]).toEqual([
      "current",
      "previous",
    ]);
    expect([moscow.isPinned(renewed.cert), moscow.isPinned(old)]).toEqual([true, true]);
    clock.t += 7 * DAY - 1000;
    expect(moscow.isPinned(old)).toBe(true);
    clock.t += 2000;
    expect(moscow.isPinned(old)).toBe(false);
    expect(moscow.presents(atMoscow, old)).toBeNull();
    expect(moscow.presents(atMoscow, renewed.cert)).toBe("current");
  });

  it("a second renewal while the first waits for receipts is refused with RENEWAL_PENDING", async () => {
    pair = await inProcessPair();
    await renewCertificate(pair.washington, { operator: "admin" });
    await expect(renewCertificate(pair.washington, { operator: "admin" })).rejects.toMatchObject({
      code: "RENEWAL_PENDING",
    });
  });

  it("a station whose switch stopped between its two renames finishes it at the next check", async () => {
    pair = await inProcessPair();
    const { washington, moscow, line } = pair;
    const renewed = await renewCertificate(washington, { operator: "admin" });
    await pair.deliver(washington, moscow);
    await washington.acceptStatement(await moscow.headStatement(line), moscow.id);
    // As if the process died after moving the key: the certificate is still waiting.
    const next = pendingCertPaths(washington.paths);
    writeFileSync(washington.paths.tlsKey, readFileSync(next.key));
    rmSync(next.key);
    expect(await completeRenewal(washington)).toBe(true);
    expect(certFingerprint(readFileSync(washington.paths.tlsCert, "utf8"))).toBe(renewed.cert);
  });
});
