import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { catchUp } from "./catch-up.js";
import { initStation } from "./init.js";
import { DirectTransport } from "../../test/helpers/direct-transport.js";
import { acceptInvite, createInvite } from "./pairing.js";
import { Station } from "./station.js";

describe("catch-up", () => {
  const roots: string[] = [];
  const open: Station[] = [];
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  async function station(name: string, port: number): Promise<Station> {
    const root = mkdtempSync(join(tmpdir(), "hotline-catch-up-"));
    roots.push(root);
    await initStation({ dir: join(root, name), name, listen: `127.0.0.1:${port}` });
    const s = Station.open({ dir: join(root, name) });
    open.push(s);
    return s;
  }

  async function threeOnALine() {
    const [washington, moscow, ankara] = [
      await station("Washington", 17001),
      await station("Moscow", 17002),
      await station("Ankara", 17003),
    ];
    const transport = new DirectTransport();
    transport.add(washington, moscow, ankara);
    const line = washington.createLine({ name: "moscow-washington", operator: "admin" }).id;
    const invite = (s: Station) => createInvite(s, { line, expiresInMs: 60_000, operator: "admin" }).invite;
    await acceptInvite(moscow, transport, invite(washington));
    for (let i = 0; i < 3; i++) moscow.send({ line, text: `Moscow ${i}`, operator: "admin" });
    // Washington takes Moscow's messages (as if pushed); Ankara has not joined yet.
    const fromMoscow = { station: moscow.id, url: moscow.config.url, cert: moscow.certFingerprint };
    await catchUp(washington, transport, fromMoscow, line, { peerChain: true });
    expect(washington.store.head(line, moscow.id)?.seq).toBe(3);
    return { washington, moscow, ankara, transport, line, invite };
  }

  it("a station joining by invite pulls the inviter's chain first, so it knows every participant, then every other chain", async () => {
    const { washington, ankara, transport, line, invite } = await threeOnALine();
    transport.pulls = [];
    await acceptInvite(ankara, transport, invite(washington));
    expect(transport.pulls[0]).toBe(washington.id);
    expect(
      ankara.store
        .entries(line)
        .map((e) => e.hash)
        .sort(),
    ).toEqual(
      washington.store
        .entries(line)
        .map((e) => e.hash)
        .sort(),
    );
    expect((await ankara.verify()).ok).toBe(true);
  });

  it("a regular comparison leaves the peer's own chain to its push, and defers chains of stations not yet known, without failing", async () => {
    const { washington, moscow, ankara, transport, line } = await threeOnALine();
    const target = { station: washington.id, url: washington.config.url, cert: washington.certFingerprint };
    // Ankara knows only the genesis (as if it had joined and then lost everything but that).
    ankara.receive([JSON.parse((washington.store.entryAt(line, washington.id, 1)?.bytes ?? "").toString())], {
      joining: line,
    });
    transport.pulls = [];
    const result = await catchUp(ankara, transport, target, line);
    expect(transport.pulls).toEqual([]); // Washington's chain: its push; Moscow's: not yet a participant here
    expect(result.pulled).toBe(0);

    // Washington's chain arrives by push; then Moscow's chain is pulled at the next comparison.
    await transport.push(
      { station: ankara.id, url: ankara.config.url, cert: ankara.certFingerprint },
      line,
      washington.store.chainAfter(line, washington.id, 1, 500).map((e) => e.bytes),
    );
    const next = await catchUp(ankara, transport, target, line);
    expect(transport.pulls).toEqual([moscow.id]);
    expect(next.pulled).toBe(3);
  });
});
