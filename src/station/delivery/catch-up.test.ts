import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { catchUp } from "./catch-up.js";
import { initStation } from "../core/init.js";
import { DirectTransport } from "../../../test/helpers/direct-transport.js";
import { acceptInvite, createInvite } from "./pairing.js";
import { Station } from "../core/station.js";

describe("catch-up", () => {
  const roots: string[] = [];
  const open: Station[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  async function station(name: string, port: number): Promise<Station> {
    const root = mkdtempSync(join(tmpdir(), "hotline-catch-up-"));
    roots.push(root);
    await initStation({ dir: join(root, name), name, listen: `127.0.0.1:${port}` });
    const s = await Station.open({ dir: join(root, name) });
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
    const line = (await washington.createLine({ name: "moscow-washington", operator: "admin" })).id;
    const invite = async (s: Station) =>
      (await createInvite(s, { line, expiresInMs: 60_000, operator: "admin" })).invite;
    await acceptInvite(moscow, transport, await invite(washington));
    for (let i = 0; i < 3; i++) await moscow.send({ line, text: `Moscow ${i}`, operator: "admin" });
    // Washington takes Moscow's messages (as if pushed); Ankara has not joined yet.
    const fromMoscow = { station: moscow.id, url: moscow.config.url, cert: moscow.certFingerprint };
    await catchUp(washington, transport, fromMoscow, line, { peerChain: true });
    expect((await washington.store.head(line, moscow.id))?.seq).toBe(3);
    return { washington, moscow, ankara, transport, line, invite };
  }

  /** Ankara joins by Washington's invite; Moscow, asked, consents; Washington learns it. */
  async function ankaraJoins(parts: Awaited<ReturnType<typeof threeOnALine>>) {
    const { washington, moscow, ankara, transport, line, invite } = parts;
    const joined = await acceptInvite(ankara, transport, await invite(washington));
    expect(joined.awaiting).toEqual([moscow.id]);
    const at = (s: Station) => ({ station: s.id, url: s.config.url, cert: s.certFingerprint });
    await catchUp(moscow, transport, at(washington), line, { peerChain: true });
    await moscow.approveMember({ line, member: "Ankara", operator: "admin" });
    await catchUp(washington, transport, at(moscow), line, { peerChain: true });
    expect((await washington.lines())[0]?.participants.map((p) => [p.name, p.pending])).toEqual([
      ["Washington", false],
      ["Moscow", false],
      ["Ankara", false],
    ]);
  }

  it("a station joining by invite pulls the inviter's chain first, so it knows every participant, then every other chain", async () => {
    const three = await threeOnALine();
    const { washington, ankara, transport, line } = three;
    await ankaraJoins(three);
    transport.pulls = [];
    const target = { station: washington.id, url: washington.config.url, cert: washington.certFingerprint };
    await catchUp(ankara, transport, target, line, { peerChain: true });
    expect(transport.pulls[0]).toBe(washington.id);
    expect((await ankara.store.entries(line)).map((e) => e.hash).sort()).toEqual(
      (await washington.store.entries(line)).map((e) => e.hash).sort(),
    );
    expect((await ankara.verify()).ok).toBe(true);
  });

  it("a regular comparison leaves the peer's own chain to its push until the push fails to bring it, and defers chains of stations not yet known, without failing", async () => {
    const three = await threeOnALine();
    const { washington, moscow, ankara, transport, line } = three;
    const target = { station: washington.id, url: washington.config.url, cert: washington.certFingerprint };
    // Ankara joined and was consented to, but knows only the genesis so far.
    await ankaraJoins(three);
    transport.pulls = [];
    const result = await catchUp(ankara, transport, target, line);
    expect(transport.pulls).toEqual([]); // Washington's chain: its push; Moscow's: not yet a participant here
    expect(result.pulled).toBe(0);

    // Washington's chain arrives by push, up to its add of Ankara, which names Moscow's messages
    // as seen: that waits (UNKNOWN_SEEN) for Moscow's chain, pulled at the next comparison.
    const pushed = transport.push(
      { station: ankara.id, url: ankara.config.url, cert: ankara.certFingerprint },
      line,
      (await washington.store.chainAfter(line, washington.id, 1, 500)).map((e) => e.bytes),
    );
    await expect(pushed).rejects.toMatchObject({ code: "UNKNOWN_SEEN" });
    // The next comparison pulls Moscow's chain, and — Washington's push not having brought what
    // Washington held at the last comparison — Washington's own too: the whole record, verified.
    const next = await catchUp(ankara, transport, target, line);
    expect(new Set(transport.pulls)).toEqual(new Set([moscow.id, washington.id]));
    expect(next.pulled).toBeGreaterThan(3);
    // …and then tells Washington where it stands, so that a push of Washington's that waited for
    // Moscow's chain goes again at once: the last statement it sent names Moscow's chain.
    const moscowHead = (await washington.store.head(line, moscow.id))?.seq;
    expect(transport.told.at(-1)).toMatchObject({
      station: ankara.id,
      heads: { [moscow.id]: { seq: moscowHead } },
    });
    expect(await ankara.store.countEntries()).toBe(await washington.store.countEntries());
    expect((await ankara.verify()).ok).toBe(true);
  });
});
