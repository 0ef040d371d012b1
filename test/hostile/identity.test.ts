/**
 * Identity is per line and proven: a paired peer cannot pose as another station (at pairing or by
 * a `member.add`), cannot take over a participant's certificate, cannot bring a stranger into a
 * bilateral line without the other party's consent, and cannot read a line it is not on.
 */
import type { Socket } from "node:net";
import { createServer, type Server } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/record/mod.js";
import { createInvite, freeLoopbackPort } from "../../src/station/mod.js";
import { parseInvite } from "../../src/station/delivery/pairing.js";
import { peerCall } from "../helpers/peer-call.js";
import {
  approve,
  assertLineWorks,
  expectIntact,
  expectRefused,
  Harness,
  sleep,
  waitFor,
  type Node,
} from "./_harness.js";
import {
  Mallory,
  memberAddBody,
  memberProof,
  puppet,
  signBytes,
  signRaw,
  type Member,
  type Puppet,
} from "./_mallory.js";

let harness: Harness | undefined;
let listener: Server | undefined;
/** connections to the listener, ended with it (a TLS server's close waits for them otherwise) */
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await new Promise((resolve) => (listener === undefined ? resolve(undefined) : listener.close(resolve)));
  listener = undefined;
  await harness?.close();
  harness = undefined;
});

/** @returns what the victim holds of a participant of a line: where it is reached, and the safety code shown */
async function knownAt(victim: Node, line: string, station: string) {
  const row = (await victim.station.store.participants(line)).find((p) => p.station === station);
  const shown = (await victim.station.lines())
    .find((l) => l.id === line)
    ?.participants.find((p) => p.id === station);
  return { url: row?.url, cert: row?.cert, safetyCode: shown?.safetyCode };
}

/** @returns a participant record for a station, with the address and certificate given */
function claimOf(station: string, name: string, at: { url: string; cert: string }): Member {
  return { station, name, url: at.url, cert: at.cert };
}

describe("a peer cannot pose as another station", () => {
  it("an invitee claiming another station's id at pairing, without that station's key, is refused with BAD_SIGNATURE and nothing is stored", async () => {
    harness = Harness.create();
    const a = await harness.station("Alpha");
    const c = await harness.station("Charlie");
    const m = await harness.station("Mallory", { run: "none" });
    const withC = await harness.line(a, "alpha-charlie", [c]);
    const before = await knownAt(a, withC, c.id);
    const fresh = (await a.station.createLine({ name: "alpha-newcomer", operator: "admin" })).id;
    const invite = parseInvite(
      (await createInvite(a.station, { line: fresh, expiresInMs: 60_000, operator: "admin" })).invite,
    );
    const request = { invite: invite.id, joiner: claimOf(c.id, "Charlie", m) };
    // Mallory holds the invite's secret, and signs the claim with the only station key it holds: its own.
    const answer = await peerCall(a.port, {
      path: "/peer/v1/pair",
      body: JSON.stringify({
        ...request,
        secret: invite.secret,
        claim: memberProof(fresh, request.joiner, m.identity),
      }),
      tls: m.tls,
    });
    expectRefused(answer, 400, "BAD_SIGNATURE");
    expect((await a.station.store.participants(fresh)).map((p) => p.station)).toEqual([a.id]);
    expect(await knownAt(a, withC, c.id)).toEqual(before);
    // With its own certificate Mallory reads none of Charlie's lines.
    const read = await new Mallory(m, a).entries(withC, a.id);
    expectRefused(read, [403, 404], ["UNKNOWN_PEER", "NOT_PARTICIPANT", "UNKNOWN_LINE"]);
    await expectIntact(a);
    await assertLineWorks(a, c, withC);
  });

  it("a member.add naming another station with the writer's own address is refused with BAD_SIGNATURE, with a random proof or one copied from another line", async () => {
    harness = Harness.create();
    const a = await harness.station("Alpha");
    const c = await harness.station("Charlie");
    const m = await harness.station("Mallory", { run: "server" });
    const withM = await harness.line(a, "alpha-mallory", [m]);
    const withC = await harness.line(a, "alpha-charlie", [c]);
    await assertLineWorks(a, m, withM);
    const before = await knownAt(a, withC, c.id);
    const mal = new Mallory(m, a);
    const posing = claimOf(c.id, "Charlie", m);

    const random = signBytes("not Charlie's claim", m.identity);
    const first = await mal.entry(
      withM,
      "member.add",
      memberAddBody(posing, { consenters: [a.id], proof: random }),
    );
    expectRefused(await mal.push(withM, [first]), 400, "BAD_SIGNATURE");

    // Charlie's real proof, as the victim holds it on the line it shares with Charlie.
    const held = (await a.station.store.entriesOfKind(withC, "member.add"))
      .map((e) => JSON.parse(e.bytes.toString("utf8")) as { body: { member: Member; proof?: string } })
      .find((e) => e.body.member.station === c.id);
    const copied = held?.body.proof ?? random;
    const second = await mal.entry(
      withM,
      "member.add",
      memberAddBody(posing, { consenters: [a.id], proof: copied }),
    );
    expectRefused(await mal.push(withM, [second]), 400, "BAD_SIGNATURE");

    expect(await knownAt(a, withC, c.id), "Charlie's address, certificate and safety code at Alpha").toEqual(
      before,
    );
    expect((await a.station.store.participants(withM)).map((p) => p.station)).not.toContain(c.id);
    await expectIntact(a);
    await assertLineWorks(a, c, withC);
    await assertLineWorks(a, m, withM);
  });

  it("a member.add naming a participant of the line, or a new station with a participant's certificate, is refused with MEMBER_CONFLICT, and the real participant is still heard", async () => {
    harness = Harness.create();
    const a = await harness.station("Alpha");
    const b = await harness.station("Bravo");
    const m = await harness.station("Mallory", { run: "server" });
    const line = await harness.line(a, "alpha-bravo-mallory", [b, m]);
    await assertLineWorks(a, m, line);
    const before = await knownAt(a, line, b.id);
    const mal = new Mallory(m, a);
    const consenters = [a.id, b.id];

    // Bravo's id with Mallory's address: Mallory cannot prove Bravo's key, so either code is a refusal.
    const asBravo = claimOf(b.id, "Bravo", m);
    const named = await mal.entry(
      line,
      "member.add",
      memberAddBody(asBravo, { consenters, proof: memberProof(line, asBravo, m.identity) }),
    );
    expectRefused(await mal.push(line, [named]), [409, 400], ["MEMBER_CONFLICT", "BAD_SIGNATURE"]);

    // A new station Yankee, whose key Mallory made (so its proof is valid), pinned to Bravo's certificate.
    const yankee = await puppet("Yankee");
    const withBravosCert = claimOf(yankee.id, "Yankee", { url: m.url, cert: b.cert });
    const taken = await mal.entry(
      line,
      "member.add",
      memberAddBody(withBravosCert, {
        consenters,
        proof: memberProof(line, withBravosCert, yankee.identity),
      }),
    );
    expectRefused(await mal.push(line, [taken]), 409, "MEMBER_CONFLICT");

    expect((await a.station.store.participants(line)).map((p) => p.station)).toEqual([a.id, b.id, m.id]);
    expect(await knownAt(a, line, b.id)).toEqual(before);
    // Bravo's own link test still reaches Alpha as Bravo.
    const heads = await peerCall(a.port, {
      path: "/peer/v1/heads",
      body: JSON.stringify({ statement: await b.station.headStatement(line) }),
      tls: b.tls,
    });
    expect(heads.status, JSON.stringify(heads.body).slice(0, 300)).toBe(200);
    await expectIntact(a);
    await assertLineWorks(a, b, line);
    await assertLineWorks(a, m, line);
  });
});

/**
 * A TLS server standing at a made-up station's address, counting every connection made to it.
 *
 * @param zulu the made-up station
 * @returns its URL and the connections so far
 */
async function listenAs(zulu: Puppet): Promise<{ url: string; connections: () => number }> {
  const port = await freeLoopbackPort();
  let connections = 0;
  listener = createServer({
    cert: zulu.tls.cert,
    key: zulu.tls.key,
    requestCert: true,
    rejectUnauthorized: false,
  });
  listener.on("connection", (socket: Socket) => {
    connections++;
    sockets.add(socket);
  });
  listener.on("tlsClientError", () => undefined);
  const server = listener;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `https://127.0.0.1:${port}`, connections: () => connections };
}

describe("a stranger brought into a bilateral line", () => {
  it("needs the other party's consent (NO_CONSENT), and until its operator approves it is sent nothing and heard from with PENDING_MEMBER", async () => {
    harness = Harness.create();
    const a = await harness.station("Alpha");
    const m = await harness.station("Mallory", { run: "server" });
    const line = await harness.line(a, "alpha-mallory", [m]);
    await assertLineWorks(a, m, line);
    const mal = new Mallory(m, a);
    const zulu = await puppet("Zulu");
    const at = await listenAs(zulu);
    const member = claimOf(zulu.id, "Zulu", { url: at.url, cert: zulu.cert });
    const proof = memberProof(line, member, zulu.identity);

    const unasked = await mal.entry(line, "member.add", memberAddBody(member, { consenters: [], proof }));
    expectRefused(await mal.push(line, [unasked]), 403, "NO_CONSENT");

    const asked = await mal.entry(line, "member.add", memberAddBody(member, { consenters: [a.id], proof }));
    const added = await mal.push(line, [asked]);
    expect(added.status, JSON.stringify(added.body).slice(0, 300)).toBe(200);
    const shown = (await a.station.lines())
      .find((l) => l.id === line)
      ?.participants.find((p) => p.id === zulu.id);
    expect(shown, "Zulu is shown on the line, pending").toMatchObject({ pending: true });

    // Alpha's outbox and link monitor run: nothing of the line may go to Zulu's address.
    await sleep(4_000);
    expect(at.connections(), "connections from Alpha to the pending member's address").toBe(0);

    const zulusEntry = signRaw(
      {
        v: 1,
        line,
        author: zulu.id,
        seq: 1,
        prev: null,
        seen: {},
        time: new Date().toISOString(),
        kind: "text",
        body: { text: "Zulu here, uninvited.", lang: "en", precedence: "ROUTINE", operator: "zulu" },
      },
      zulu.identity,
    );
    const push = () =>
      peerCall(a.port, {
        path: "/peer/v1/push",
        body: JSON.stringify({ line, entries: [zulusEntry] }),
        tls: zulu.tls,
      });
    expectRefused(await push(), 403, "PENDING_MEMBER");
    const read = await peerCall(a.port, {
      path: `/peer/v1/entries?${new URLSearchParams({ line, author: a.id, after: "0" }).toString()}`,
      tls: zulu.tls,
    });
    expectRefused(read, 403, ["PENDING_MEMBER", "UNKNOWN_PEER"]);

    await approve(a, line, zulu.id);
    await waitFor(
      async () =>
        (await a.station.lines())
          .find((l) => l.id === line)
          ?.participants.some((p) => p.id === zulu.id && (p as { pending?: boolean }).pending !== true),
      { what: "Zulu to be a member once Alpha's operator approved it" },
    );
    const accepted = await push();
    expect(accepted.status, JSON.stringify(accepted.body).slice(0, 300)).toBe(200);
    await expectIntact(a);
    await assertLineWorks(a, m, line);
  });
});

describe("a peer cannot read a line it is not on", () => {
  it("GET /peer/v1/entries for a line the caller is not on is refused with 403 or 404, and returns nothing", async () => {
    harness = Harness.create();
    const a = await harness.station("Alpha");
    const c = await harness.station("Charlie");
    const m = await harness.station("Mallory", { run: "server" });
    const withM = await harness.line(a, "alpha-mallory", [m]);
    const withC = await harness.line(a, "alpha-charlie", [c]);
    const mal = new Mallory(m, a);
    for (const author of [a.id, c.id]) {
      const answer = await mal.entries(withC, author);
      expectRefused(answer, [403, 404], ["NOT_PARTICIPANT", "UNKNOWN_LINE"]);
      expect(answer.body).not.toHaveProperty("entries");
    }
    const nowhere = await mal.entries(sha256Hex("no such line"), a.id);
    expectRefused(nowhere, [403, 404], ["NOT_PARTICIPANT", "UNKNOWN_LINE"]);
    await assertLineWorks(a, m, withM);
  });
});
