import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certFingerprint, fingerprintOfDer } from "../../src/station/mod.js";
import { hotline, hotlineJson } from "../helpers/cli.js";
import { peerCall } from "../helpers/peer-call.js";
import { startPairedStations, waitFor, type PairedStations, type TestStation } from "../helpers/stations.js";

interface LogEntry {
  hash: string;
  author: string;
  kind: string;
  body: { text?: string; cert?: string };
}

/** @returns the fingerprint of the certificate a station's peer port presents now */
function presented(port: number, tls: { cert: string; key: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, ...tls, rejectUnauthorized: false }, () => {
      resolve(fingerprintOfDer(socket.getPeerCertificate().raw));
      socket.destroy();
    });
    socket.once("error", reject);
  });
}

function log(station: TestStation, line: string): Promise<LogEntry[]> {
  return hotlineJson<LogEntry[]>(["log", "--line", line, "--dir", station.dir]);
}

/** Waits until `to` holds every entry `from` holds. */
async function waitHolds(to: TestStation, from: TestStation, line: string): Promise<void> {
  await waitFor(
    async () => {
      const [theirs, mine] = await Promise.all([log(from, line), log(to, line)]);
      const held = new Set(mine.map((e) => e.hash));
      return theirs.every((e) => held.has(e.hash));
    },
    { what: `${to.name} to hold all that ${from.name} holds`, timeoutMs: 60_000, everyMs: 300 },
  );
}

describe("certificate renewal while the line runs", () => {
  let paired: PairedStations;

  beforeAll(async () => {
    paired = await startPairedStations();
  }, 60_000);

  afterAll(async () => {
    await paired.close();
  });

  it("Washington renews its certificate while messages flow both ways: Moscow re-pins it without pairing again, nothing is lost, and the old certificate is refused afterwards", async () => {
    const { washington, moscow, line } = paired;
    const oldTls = {
      cert: readFileSync(`${washington.dir}/tls.crt`, "utf8"),
      key: readFileSync(`${washington.dir}/tls.key`, "utf8"),
    };
    const oldCert = certFingerprint(oldTls.cert);
    expect(await presented(washington.peerPort, oldTls)).toBe(oldCert);
    let sending = true;
    const sent = { W: 0, M: 0 };
    const sendLoop = async (station: TestStation, prefix: "W" | "M") => {
      while (sending) {
        const result = await hotline([
          "send",
          "--line",
          line,
          "--dir",
          station.dir,
          `${prefix} ${sent[prefix]}`,
        ]);
        expect(result.stderr).toBe("");
        sent[prefix]++;
      }
    };
    const loops = Promise.all([sendLoop(washington, "W"), sendLoop(moscow, "M")]);
    await waitFor(() => sent.W > 5 && sent.M > 5, { what: "messages before the renewal" });

    const renewed = await hotlineJson<{ cert: string; lines: number; switched: boolean }>([
      "cert",
      "renew",
      "--dir",
      washington.dir,
      "--json",
    ]);
    expect(renewed.lines).toBe(1);
    expect(renewed.cert).not.toBe(oldCert);
    const atRenewal = { ...sent };

    // Once Moscow has receipted the cert.renew, Washington presents the new certificate, without a restart.
    await waitFor(() => certFingerprint(readFileSync(`${washington.dir}/tls.crt`, "utf8")) === renewed.cert, {
      what: "Washington to switch to the renewed certificate",
      timeoutMs: 30_000,
    });
    expect(await presented(washington.peerPort, oldTls)).toBe(renewed.cert);
    expect(existsSync(`${washington.dir}/tls.next.crt`)).toBe(false);
    expect(existsSync(`${washington.dir}/tls.next.key`)).toBe(false);
    await waitFor(() => sent.W > atRenewal.W + 5 && sent.M > atRenewal.M + 5, {
      what: "messages after the switch",
    });
    sending = false;
    await loops;

    await Promise.all([waitHolds(moscow, washington, line), waitHolds(washington, moscow, line)]);
    const atMoscow = await log(moscow, line);
    const texts = (author: string) =>
      atMoscow.filter((e) => e.author === author && e.kind === "text").map((e) => e.body.text);
    expect(texts(washington.id)).toEqual(Array.from({ length: sent.W }, (_, i) => `W ${i}`));
    expect(atMoscow.filter((e) => e.kind === "cert.renew")).toMatchObject([
      { author: washington.id, body: { cert: renewed.cert } },
    ]);
    // Moscow pins the new certificate for Washington on the line: no new pairing, the same line.
    const lines = await hotlineJson<{ id: string; participants: { id: string }[] }[]>([
      "lines",
      "--dir",
      moscow.dir,
    ]);
    expect(lines.map((l) => l.id)).toEqual([line]);

    // Moscow has seen Washington present the new certificate: the old one is refused from now on.
    const heads = JSON.stringify({ statement: {} });
    await waitFor(
      async () =>
        (
          await peerCall(moscow.peerPort, {
            method: "POST",
            path: "/peer/v1/heads",
            body: heads,
            contentType: "application/json",
            tls: oldTls,
          })
        ).status === 403,
      { what: "Moscow to refuse Washington's old certificate", timeoutMs: 15_000 },
    );
    const refused = await peerCall(moscow.peerPort, {
      method: "POST",
      path: "/peer/v1/heads",
      body: heads,
      contentType: "application/json",
      tls: oldTls,
    });
    expect(refused.body).toMatchObject({ error: { code: "UNKNOWN_PEER" } });

    for (const station of [washington, moscow]) {
      const report = await hotlineJson<{ ok: boolean }>(["verify", "--json", "--dir", station.dir]);
      expect(report.ok).toBe(true);
    }
    // An exported bundle spanning the renewal verifies offline.
    const bundle = paired.tmp.join("bundle.json");
    expect((await hotline(["export", "--line", line, "--out", bundle, "--dir", moscow.dir])).code).toBe(0);
    const offline = await hotline(["verify", "--bundle", bundle]);
    expect(offline.stdout + offline.stderr).not.toMatch(/MISMATCH/);
    expect(offline.code).toBe(0);
  }, 120_000);

  it("an officer cannot renew the certificate (FORBIDDEN)", async () => {
    const { moscow } = paired;
    expect((await hotline(["operator", "add", "pyotr", "--role", "officer", "--dir", moscow.dir])).code).toBe(
      0,
    );
    const result = await hotline(["cert", "renew", "--as", "pyotr", "--dir", moscow.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error FORBIDDEN: /);
  });
});
