import { afterEach, describe, expect, it } from "vitest";
import { catchUp } from "./catch-up.js";
import {
  ankaraJoins as ankaraJoinsAt,
  threeOnALine as threeOnALineAt,
  type ThreeOnALine,
} from "../../../test/helpers/three-on-a-line.js";

describe("catch-up", () => {
  const closing: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closing.splice(0)) await close();
  });

  async function threeOnALine() {
    const three = await threeOnALineAt();
    closing.push(three.close);
    expect((await three.washington.store.head(three.line, three.moscow.id))?.seq).toBe(3);
    return three;
  }

  /** Ankara joins by Washington's invite; Moscow, asked, consents; Washington learns it. */
  async function ankaraJoins(three: ThreeOnALine) {
    expect(await ankaraJoinsAt(three)).toEqual([three.moscow.id]);
    expect((await three.washington.lines())[0]?.participants.map((p) => [p.name, p.pending])).toEqual([
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
