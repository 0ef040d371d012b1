import { afterEach, describe, expect, it } from "vitest";
import { DirectTransport } from "../../../test/helpers/direct-transport.js";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { PeerRejection } from "../../peer/client.js";
import { HotlineError, type HeadStatement } from "../../record/mod.js";
import type { PartLogger } from "../core/logger.js";
import type { Station } from "../core/station.js";
import { Outbox } from "./outbox.js";
import type { PeerTarget } from "./transport.js";

/**
 * A station that changed its key signs its head statements with the new key, which a peer can
 * check only once it holds the key.rotate (or key.revoke) entry. The courier compares heads before
 * it pushes after a refusal or at start: the peer refuses that statement (BAD_SIGNATURE), and the
 * push that carries the rotation must happen all the same, or delivery stalls for good.
 */
describe("delivery after this station's key changed", () => {
  const pairs: InProcessPair[] = [];
  const outboxes: Outbox[] = [];
  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((o) => o.stop()));
    for (const p of pairs.splice(0)) await p.close();
  });

  /**
   * The other station called directly, checking what it is sent as its peer server does: a head
   * statement is accepted (signature, participant, time) before it answers, and a refusal comes back
   * as the peer's refusal, with its heads when a push is refused.
   */
  class CheckingTransport extends DirectTransport {
    readonly compared: string[] = [];
    readonly pushes: string[] = [];
    refusePush: ((line: string) => Promise<PeerRejection | null>) | null = null;
    refuseHeads: ((line: string) => Promise<PeerRejection | null>) | null = null;

    constructor(
      readonly from: Station,
      readonly to: Station,
    ) {
      super();
      this.add(from, to);
    }

    override async heads(target: PeerTarget, statement: HeadStatement) {
      this.compared.push(statement.line);
      const refusal = (await this.refuseHeads?.(statement.line)) ?? null;
      if (refusal !== null) throw refusal;
      try {
        await this.to.acceptStatement(statement, this.from.id);
      } catch (error) {
        if (!(error instanceof HotlineError)) throw error;
        throw new PeerRejection(error.code, error.message, 401, undefined);
      }
      return super.heads(target, statement);
    }

    override async push(target: PeerTarget, line: string, entries: readonly Buffer[]) {
      this.pushes.push(line);
      const refusal = (await this.refusePush?.(line)) ?? null;
      if (refusal !== null) throw refusal;
      const result = await this.to.receiveBatch(
        entries.map((e) => JSON.parse(e.toString("utf8")) as unknown),
      );
      if (result.refused !== null) {
        throw new PeerRejection(
          result.refused.code,
          result.refused.message,
          422,
          await this.to.headStatement(line),
        );
      }
      return await this.to.headStatement(line);
    }
  }

  function quiet(): PartLogger {
    return { info: () => undefined, warn: () => undefined };
  }

  async function start(station: Station, transport: CheckingTransport): Promise<Outbox> {
    const outbox = new Outbox(station, { transport, logger: quiet() });
    outboxes.push(outbox);
    await outbox.start();
    return outbox;
  }

  async function pair() {
    const p = await inProcessPair();
    pairs.push(p);
    return p;
  }

  /** @returns whether Moscow holds all of Washington's chain on the line */
  async function caughtUp({ washington, moscow, line }: InProcessPair): Promise<boolean> {
    const theirs = await moscow.store.head(line, washington.id);
    return theirs !== null && theirs.seq === (await washington.store.head(line, washington.id))?.seq;
  }

  it("a key rotated while the courier backs off after a refusal still reaches the peer, and what follows it too", async () => {
    const p = await pair();
    const { washington, moscow, line, clock } = p;
    const transport = new CheckingTransport(washington, moscow);
    transport.refusePush = async (l) =>
      new PeerRejection(
        "FUTURE_TIME",
        "Cannot accept an entry from the future",
        422,
        await moscow.headStatement(l),
      );
    await washington.send({ line, text: "Refused once.", operator: "admin" });
    const outbox = await start(washington, transport);
    await waitFor(() => delivery(outbox, moscow.id, line)?.failures === 1);

    // In its backoff, Washington rotates its key: its head statement is now signed by a key Moscow
    // does not know yet, so the comparison before the next push is refused.
    await washington.rotateKey({ operator: "admin" });
    await washington.send({ line, text: "Signed after the rotation.", operator: "admin" });
    transport.refusePush = null;
    const compared = transport.compared.length;
    await clock.advance(200);

    await waitFor(() => caughtUp(p));
    expect(transport.compared.length).toBeGreaterThan(compared); // it compared first, and was refused
    expect((await moscow.rotationsOn(line)).get(washington.id)).toHaveLength(1);
    // Moscow now checks Washington's statements with the new key: comparisons succeed again.
    await waitFor(() => delivery(outbox, moscow.id, line)?.failures === 0);
    await moscow.acceptStatement(await washington.headStatement(line), washington.id);
  });

  it("a station started after rotating its key while its peer was away delivers the rotation", async () => {
    const p = await pair();
    const { washington, moscow, line } = p;
    await washington.rotateKey({ operator: "admin" });
    await washington.send({ line, text: "After the rotation, before any delivery.", operator: "admin" });
    const transport = new CheckingTransport(washington, moscow);
    const outbox = await start(washington, transport);

    await waitFor(() => caughtUp(p));
    await waitFor(() => delivery(outbox, moscow.id, line)?.failures === 0);
    expect(transport.compared.length).toBeGreaterThanOrEqual(1);
  });

  it("a comparison the peer refuses with nothing to push is still a refusal, backed off", async () => {
    const p = await pair();
    const { washington, moscow, line, clock } = p;
    const transport = new CheckingTransport(washington, moscow);
    transport.refuseHeads = () =>
      Promise.resolve(new PeerRejection("NOT_PARTICIPANT", "Cannot serve the line", 403, undefined));
    const outbox = await start(washington, transport);

    await waitFor(() => delivery(outbox, moscow.id, line)?.failures === 1);
    expect(delivery(outbox, moscow.id, line)).toMatchObject({ refused: true });
    expect(delivery(outbox, moscow.id, line)?.lastError).toContain("NOT_PARTICIPANT");
    // One push only, at first (its receipt not yet read, the courier sent the chain Moscow holds):
    // with nothing more to push, the comparison's refusal stands.
    expect(transport.pushes).toHaveLength(1);
    // Tried again only at its retry time.
    const compared = transport.compared.length;
    await clock.advance(199);
    await pause(20);
    expect(transport.compared.length).toBe(compared);
    await clock.advance(1);
    await waitFor(() => transport.compared.length === compared + 1);
  });
});

/** @returns how delivery on one line to a peer stands */
function delivery(outbox: Outbox, peer: string, line: string) {
  return outbox.state(peer)?.lines.find((l) => l.line === line);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until a condition holds (a generous bound: a loaded machine is slow, not wrong). */
async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error("the condition did not come true in time");
    await pause(10);
  }
}
