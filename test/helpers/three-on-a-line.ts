import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirectTransport } from "./direct-transport.js";
import { catchUp } from "../../src/station/delivery/catch-up.js";
import { initStation } from "../../src/station/core/init.js";
import { acceptInvite, createInvite } from "../../src/station/delivery/pairing.js";
import { Station } from "../../src/station/core/station.js";

/** Washington, Moscow and Ankara in process, over a {@link DirectTransport}; nothing runs in the background. */
export interface ThreeOnALine {
  washington: Station;
  moscow: Station;
  ankara: Station;
  transport: DirectTransport;
  line: string;
  /** @returns an invite to the line made at a station */
  invite: (s: Station) => Promise<string>;
  /** closes the three and removes their directories */
  close: () => Promise<void>;
}

/**
 * Washington's line with Moscow on it, Moscow's three messages taken by Washington; Ankara not
 * on it yet (see {@link ankaraJoins}).
 *
 * @returns the three and the line
 */
export async function threeOnALine(): Promise<ThreeOnALine> {
  const root = mkdtempSync(join(tmpdir(), "hotline-three-"));
  const open: Station[] = [];
  const station = async (name: string, port: number) => {
    await initStation({ dir: join(root, name), name, listen: `127.0.0.1:${port}` });
    const s = await Station.open({ dir: join(root, name) });
    open.push(s);
    return s;
  };
  const [washington, moscow, ankara] = [
    await station("Washington", 17001),
    await station("Moscow", 17002),
    await station("Ankara", 17003),
  ];
  const transport = new DirectTransport();
  transport.add(washington, moscow, ankara);
  const line = (await washington.createLine({ name: "moscow-washington", operator: "admin" })).id;
  const invite = async (s: Station) =>
    (await createInvite(s, { line, expiresInMs: 60_000, operator: "admin" })).invite;
  await acceptInvite(moscow, transport, await invite(washington));
  for (let i = 0; i < 3; i++) await moscow.send({ line, text: `Moscow ${i}`, operator: "admin" });
  // Washington takes Moscow's messages (as if pushed); Ankara has not joined yet.
  await catchUp(washington, transport, targetOf(moscow), line, { peerChain: true });
  const close = async () => {
    for (const s of open) await s.close();
    rmSync(root, { recursive: true, force: true });
  };
  return { washington, moscow, ankara, transport, line, invite, close };
}

/**
 * Ankara joins by Washington's invite; Moscow, asked, consents; Washington learns it. Ankara then
 * holds the genesis only.
 *
 * @param three the three
 * @returns who Ankara's join waited on for consent
 */
export async function ankaraJoins(three: ThreeOnALine): Promise<string[]> {
  const { washington, moscow, ankara, transport, line, invite } = three;
  const joined = await acceptInvite(ankara, transport, await invite(washington));
  await catchUp(moscow, transport, targetOf(washington), line, { peerChain: true });
  await moscow.approveMember({ line, member: "Ankara", operator: "admin" });
  await catchUp(washington, transport, targetOf(moscow), line, { peerChain: true });
  return joined.awaiting;
}

/** @returns a station as a peer's target */
export function targetOf(s: Station): { station: string; url: string; cert: string } {
  return { station: s.id, url: s.config.url, cert: s.certFingerprint };
}
