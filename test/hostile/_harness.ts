/**
 * Real stations for the hostile-peer suite, in this process: real data directories and SQLite
 * files, the real peer server on loopback with real mutual TLS, and — where a test needs delivery —
 * the real outbox and link monitor, wired as `hotline start` wires them (src/cli/runtime.ts).
 * In-process is faster and steadier than spawning `hotline start`, and lets a test read the
 * victim's store and memory directly.
 *
 * @module
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { catchUp } from "../../src/station/delivery/catch-up.js";
import pino from "pino";
import { expect } from "vitest";
import { buildPeerServer, PeerClient } from "../../src/peer/mod.js";
import { DEFAULT_PUSH_QUEUE_LIMITS } from "../../src/peer/push-queue.js";
import { identityFromPem, type Identity } from "../../src/record/mod.js";
import {
  acceptInvite,
  createInvite,
  freeLoopbackPort,
  initStation,
  LinkMonitor,
  Outbox,
  Station,
} from "../../src/station/mod.js";
import { certFingerprint } from "../../src/station/core/tls.js";
import { codeOf, type PeerAnswer } from "../helpers/peer-call.js";

/** How a station of the suite runs. */
export type Running =
  /** peer server, outbox and link monitor: an honest station */
  | "full"
  /** the peer server only: the scripted peer, whose sending the test does by hand */
  | "server"
  /** nothing: keys and a store only */
  | "none";

/** One station of the suite: its core, its keys, and what runs of it. */
export interface Node {
  name: string;
  dir: string;
  station: Station;
  id: string;
  identity: Identity;
  tls: { cert: string; key: string };
  cert: string;
  port: number;
  url: string;
  client: PeerClient;
  server: FastifyInstance | null;
  outbox: Outbox | null;
  monitor: LinkMonitor | null;
}

/** Options of {@link Harness.station}. */
export interface StationOptions {
  run?: Running;
  /** peer-server timeouts for tests that shorten them */
  timeouts?: { requestMs?: number; headersMs?: number; connectionMs?: number };
  /** how long its peer server holds a push waiting for another chain (default 1 s) */
  pushHoldMs?: number;
}

const silent = pino({ level: "silent" });

/**
 * @param check returns true (or a value) when the condition holds
 * @param options how long to wait, and what is waited for (for the failure message)
 * @returns the value check returned
 */
export async function waitFor<T>(
  check: () => T | false | null | undefined | Promise<T | false | null | undefined>,
  options: { timeoutMs?: number; what: string },
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const value = await check();
    if (value !== false && value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${options.what}`);
    await sleep(50);
  }
}

/** @param ms milliseconds to wait */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The stations of one test file, in one temporary directory; `close()` stops and removes them all. */
export class Harness {
  readonly root: string;
  readonly nodes: Node[] = [];

  private constructor(root: string) {
    this.root = root;
  }

  /** @returns a harness with its own temporary directory */
  static create(): Harness {
    return new Harness(mkdtempSync(join(tmpdir(), "hotline-hostile-")));
  }

  /**
   * Makes a station (`initStation` on a fresh loopback port), opens it, and starts what it runs.
   *
   * @param name the station's name
   * @param options what runs, and shortened server timeouts
   * @returns the station
   */
  async station(name: string, options: StationOptions = {}): Promise<Node> {
    const dir = join(this.root, name.toLowerCase());
    const port = await freeLoopbackPort();
    const made = await initStation({ dir, name, listen: `127.0.0.1:${port}`, api: "127.0.0.1:9" });
    const station = await Station.open({ dir });
    const tls = {
      cert: readFileSync(join(dir, "tls.crt"), "utf8"),
      key: readFileSync(join(dir, "tls.key"), "utf8"),
    };
    const node: Node = {
      name,
      dir,
      station,
      id: station.id,
      identity: identityFromPem(readFileSync(join(dir, "identity.key"), "utf8")),
      tls,
      cert: certFingerprint(tls.cert),
      port,
      url: made.url,
      client: new PeerClient(tls, { timeoutMs: 5_000 }),
      server: null,
      outbox: null,
      monitor: null,
    };
    this.nodes.push(node);
    const run = options.run ?? "full";
    if (run === "none") return node;
    const t = options.timeouts;
    const hold = options.pushHoldMs;
    node.server = buildPeerServer(station, {
      tls,
      logger: silent,
      limits: {
        ...(t === undefined
          ? {}
          : {
              ...(t.requestMs === undefined ? {} : { requestTimeoutMs: t.requestMs }),
              ...(t.headersMs === undefined ? {} : { headersTimeoutMs: t.headersMs }),
              checkIntervalMs: 250,
            }),
        ...(hold === undefined ? {} : { pushQueue: { ...DEFAULT_PUSH_QUEUE_LIMITS, holdMs: hold } }),
      },
    });
    await node.server.listen({ host: "127.0.0.1", port });
    if (run === "full") {
      node.outbox = new Outbox(station, {
        transport: node.client,
        baseDelayMs: 200,
        maxDelayMs: 2_000,
        syncIntervalMs: 2_000,
      });
      const outbox = node.outbox;
      node.monitor = new LinkMonitor(station, {
        transport: node.client,
        timeoutMs: 3_000,
        onBehind: (peer) => outbox.syncNow(peer),
        onReached: (peer) => outbox.wake(peer, true),
      });
      await outbox.start();
      await node.monitor.start();
    }
    return node;
  }

  /**
   * Opens a line at `creator` and pairs each joiner in turn through a real invite over mutual TLS,
   * each new participant approved by every participant already there (a two-party line needs no
   * approval: the invite is the inviter's consent).
   *
   * @param creator the station that opens the line
   * @param name the line's name
   * @param joiners the stations that join, in order
   * @returns the line id
   */
  async line(creator: Node, name: string, joiners: readonly Node[]): Promise<string> {
    const line = (await creator.station.createLine({ name, operator: "admin" })).id;
    const members = [creator];
    for (const joiner of joiners) {
      const { invite } = await createInvite(creator.station, {
        line,
        expiresInMs: 60_000,
        operator: "admin",
      });
      await acceptInvite(joiner.station, joiner.client, invite);
      for (const other of members.slice(1)) {
        await waitFor(
          async () => (await other.station.store.members(line)).some((p) => p.station === joiner.id),
          {
            what: `${other.name} to learn that ${joiner.name} joined`,
          },
        );
        await approve(other, line, joiner.id);
      }
      members.push(joiner);
    }
    await this.settle(line);
    return line;
  }

  /**
   * Waits until every station on a line holds every other's chain as far as its author holds it.
   *
   * @param line a line id
   */
  async settle(line: string): Promise<void> {
    const on: Node[] = [];
    for (const n of this.nodes) if ((await n.station.store.line(line)) !== null) on.push(n);
    await waitFor(
      async () => {
        for (const a of on) {
          for (const b of on) {
            const head = (await b.station.store.head(line, b.id))?.seq ?? 0;
            if (((await a.station.store.head(line, b.id))?.seq ?? 0) < head) return false;
          }
        }
        return true;
      },
      { what: `the stations on line ${line.slice(0, 8)} to hold each other's chains` },
    );
  }

  /** Stops every station and removes the directory. */
  async close(): Promise<void> {
    await Promise.allSettled(
      this.nodes.map(async (n) => {
        await Promise.allSettled([n.outbox?.stop(), n.monitor?.stop()]);
        await n.server?.close();
        n.client.close();
        await n.station.close();
      }),
    );
    rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * A participant's operator approves a new member of a line (its consent).
 *
 * @param node the approving station
 * @param line the line id
 * @param member the new member's station id
 */
export async function approve(node: Node, line: string, member: string): Promise<void> {
  await node.station.approveMember({ line, member, operator: "admin" });
  return Promise.resolve();
}

/**
 * Sends a message from each side of a line and waits until the other side holds it and its
 * author holds the other's receipt for it: the line still carries a message both ways. A side
 * without an outbox (the scripted peer) pushes its message itself, over mutual TLS.
 *
 * @param a one side
 * @param b the other
 * @param line the line id
 */
export async function assertLineWorks(a: Node, b: Node, line: string): Promise<void> {
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    const sent = await from.station.send({
      line,
      text: `${from.name} to ${to.name}: still here`,
      operator: "admin",
    });
    if (from.outbox === null) await pushOwn(from, to, line);
    await waitFor(
      async () => {
        // A side with no outbox (the scripted peer) catches up by hand, as its outbox would: what
        // the other pushes may wait for entries of chains it has yet to pull.
        if (to.outbox === null) {
          const target = { station: from.id, url: from.url, cert: from.cert };
          await catchUp(to.station, to.client, target, line, { peerChain: true }).catch(() => undefined);
        }
        return (await to.station.store.entryByHash(sent.hash)) !== null;
      },
      { what: `${to.name} to hold ${from.name}'s message` },
    );
    await waitFor(async () => (await from.station.store.coveredSeq(line, to.id, from.id)) >= sent.seq, {
      what: `${from.name} to hold ${to.name}'s receipt for its message`,
    });
  }
}

/**
 * Pushes what a station wrote on a line and the peer has not receipted, and keeps the receipt:
 * what the outbox does, done by hand for the scripted peer.
 *
 * @param from the sender
 * @param to the peer
 * @param line the line id
 */
export async function pushOwn(from: Node, to: Node, line: string): Promise<void> {
  const after = await from.station.store.coveredSeq(line, to.id, from.id);
  const page = await from.station.store.chainAfter(line, from.id, after, 500);
  if (page.length === 0) return;
  const target = { station: to.id, url: to.url, cert: to.cert };
  const statement = await from.client.push(
    target,
    line,
    page.map((e) => e.bytes),
  );
  await from.station.acceptStatement(statement, to.id);
}

/**
 * @param node a station
 * @returns its record's verification, expected clean
 */
export async function expectIntact(node: Node): Promise<void> {
  const report = await node.station.verify();
  expect(report, `${node.name}'s record must verify clean`).toMatchObject({ ok: true });
}

/** @returns this process's resident memory in MiB, after a garbage collection when exposed */
export function rssMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1024 / 1024;
}

/**
 * Asserts a refusal: one of the statuses and one of the codes; on a mismatch the message shows
 * what the station did answer.
 *
 * @param answer what the peer endpoint answered
 * @param status the status expected, or the statuses allowed
 * @param code the code expected, or the codes allowed
 */
export function expectRefused(
  answer: PeerAnswer,
  status: number | readonly number[],
  code: string | readonly string[],
): void {
  const statuses: readonly number[] = typeof status === "number" ? [status] : status;
  const codes: readonly string[] = typeof code === "string" ? [code] : code;
  const got = codeOf(answer);
  const said = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
  expect(
    statuses.includes(answer.status) && got !== null && codes.includes(got),
    `expected ${statuses.join(" or ")} ${codes.join(" or ")}, got ${answer.status} ${said.slice(0, 300)}`,
  ).toBe(true);
}
