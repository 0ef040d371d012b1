/**
 * The peer endpoint against bad input, with stations running as `hotline start` runs them (in this
 * process, on loopback with real mutual TLS; a crash would fail the test run): Washington runs; the test speaks for Moscow (its certificate and its signing key, taken from its data
 * directory) and for strangers, straight over mutual TLS, and checks each refusal's status and
 * code, that nothing was stored that should not be, and that Washington keeps serving.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  generateIdentity,
  identityFromPem,
  parseEntry,
  parseStatement,
  seal,
  sha256Hex,
  signEntry,
  signMemberClaim,
  type Identity,
  type SealedEntry,
} from "../../src/record/mod.js";
import { signWithKey } from "../../src/record/_testing.js";
import { parseInvite } from "../../src/station/delivery/pairing.js";
import {
  certFingerprint,
  makeSelfSignedCertificate,
  type TlsCredentials,
} from "../../src/station/core/tls.js";
import { hotline, hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
import { peerCall, type PeerAnswer } from "../helpers/peer-call.js";
import { openStationStore } from "../helpers/station-db.js";
import {
  initStation,
  isRunning,
  pairOnLine,
  startStation,
  stopStation,
  type TestStation,
} from "../helpers/stations.js";

/** What the peer endpoint answered. */
type Answer = PeerAnswer;

/** Fastify's body limit on the peer endpoint (MAX_REQUEST_BYTES in src/peer/server.ts). */
const EIGHT_MIB = 8 * 1024 * 1024;

/**
 * @param answer what the endpoint answered
 * @param status the HTTP status expected
 * @param code the hotline error code expected
 */
function expectRefusal(answer: Answer, status: number, code: string): void {
  expect(answer.body).toMatchObject({
    error: { code, message: expect.stringMatching(/^Cannot /) as unknown },
  });
  expect(answer.status).toBe(status);
}

/**
 * @param text an invite string
 * @param change what to change in the invite it carries
 * @returns the invite string with that change
 */
async function alterInvite(text: string, change: (invite: Record<string, unknown>) => void): Promise<string> {
  const prefix = "hotline-invite:";
  const invite = JSON.parse(Buffer.from(text.slice(prefix.length), "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
  change(invite);
  return prefix + Buffer.from(JSON.stringify(invite)).toString("base64url");
}

describe("the peer endpoint of a running station, spoken to directly over mutual TLS", () => {
  let tmp: TempDir;
  let washington: TestStation | undefined;
  let moscow: TestStation | undefined;
  let havana: TestStation | undefined;
  /** the line Washington and Moscow are paired on */
  let line: string;
  /** a second line of Washington's, for the invite cases */
  let spare: string;
  /** an invite to the spare line that expired before any station started */
  let expiredInvite: string;
  let moscowKey: Identity;
  let moscowTls: TlsCredentials;
  let havanaKey: Identity;
  let havanaTls: TlsCredentials;
  /** a certificate no station here has ever seen */
  let strangerTls: TlsCredentials;

  const running = (station: TestStation | undefined): TestStation => {
    if (station === undefined) throw new Error("the station was not set up");
    return station;
  };

  beforeAll(async () => {
    tmp = tempDir("hotline-peer-protocol-");
    [washington, moscow, havana, strangerTls] = await Promise.all([
      initStation(tmp.join("washington"), "Washington"),
      initStation(tmp.join("moscow"), "Moscow"),
      initStation(tmp.join("havana"), "Havana"),
      makeSelfSignedCertificate("Mallory", ["127.0.0.1"]),
    ]);
    const read = (station: TestStation, file: string) => readFileSync(join(station.dir, file), "utf8");
    moscowKey = identityFromPem(read(moscow, "identity.key"));
    moscowTls = { cert: read(moscow, "tls.crt"), key: read(moscow, "tls.key") };
    havanaKey = identityFromPem(read(havana, "identity.key"));
    havanaTls = { cert: read(havana, "tls.crt"), key: read(havana, "tls.key") };

    // While Washington is stopped the CLI writes its directory itself, which allows a 1-second invite
    // (the running station's API takes 60 s at least).
    spare = (
      await hotlineJson<{ id: string }>(["line", "create", "--name", "spare", "--dir", washington.dir])
    ).id;
    const made = await hotlineJson<{ invite: string; expires: string }>([
      "invite",
      "--line",
      "spare",
      "--expires",
      "1s",
      "--dir",
      washington.dir,
    ]);
    expiredInvite = made.invite;
    await Promise.all([startStation(washington), startStation(moscow), startStation(havana)]);
    ({ line } = await pairOnLine(washington, [moscow]));
    const left = Date.parse(made.expires) - Date.now();
    if (left >= 0) await new Promise((resolve) => setTimeout(resolve, left + 10));
  });

  afterAll(async () => {
    const started = [washington, moscow, havana].filter((s): s is TestStation => s !== undefined);
    await Promise.all(started.map((s) => stopStation(s)));
    tmp.remove();
  });

  const call = (options: Parameters<typeof peerCall>[1]) => peerCall(running(washington).peerPort, options);
  const chainPath = (author: string) =>
    `/peer/v1/entries?${new URLSearchParams({ line, author, after: "0" }).toString()}`;

  /** Washington runs and its peer endpoint still answers Moscow. */
  async function expectWashingtonServes(): Promise<void> {
    expect(isRunning(running(washington))).toBe(true);
    const answer = await call({ path: chainPath(running(washington).id), tls: moscowTls });
    expect(answer.status).toBe(200);
  }

  /** @returns each line's entry count and participants' names at Washington, as `hotline lines` shows them */
  async function linesAtWashington(): Promise<Map<string, { entries: number; names: string[] }>> {
    const lines = await hotlineJson<{ id: string; entries: number; participants: { name: string }[] }[]>([
      "lines",
      "--dir",
      running(washington).dir,
    ]);
    return new Map(
      lines.map((l) => [l.id, { entries: l.entries, names: l.participants.map((p) => p.name) }]),
    );
  }

  /**
   * Asks Washington's peer endpoint to pair a stranger with an invite, as `hotline accept` would.
   *
   * @param text the invite string
   * @param options a secret or a certificate fingerprint to claim instead of the right ones
   * @returns what Washington answered
   */
  function pairStranger(text: string, options: { secret?: string; cert?: string } = {}): Promise<Answer> {
    const invite = parseInvite(text);
    const identity = generateIdentity();
    const joiner = {
      station: identity.id,
      name: "Mallory",
      url: "https://127.0.0.1:9",
      cert: options.cert ?? certFingerprint(strangerTls.cert),
    };
    const request = {
      invite: invite.id,
      joiner,
      secret: options.secret ?? invite.secret,
      claim: signMemberClaim(invite.line, joiner, identity),
    };
    return call({ path: "/peer/v1/pair", body: JSON.stringify(request), tls: strangerTls });
  }

  describe("pairing refuses invites that are garbled, expired or used", () => {
    it("a garbled invite is refused with BAD_INVITE, and so is a pair request with a wrong proof", async () => {
      const garbled = await hotline(["accept", "not-an-invite", "--dir", running(havana).dir]);
      expect(garbled.stderr).toMatch(/^error BAD_INVITE: Cannot read the invite/);
      expect(garbled.code).toBe(1);
      const truncated = await hotline(["accept", expiredInvite.slice(0, 60), "--dir", running(havana).dir]);
      expect(truncated.stderr).toMatch(/^error BAD_INVITE: Cannot read the invite/);
      expect(truncated.code).toBe(1);

      expectRefusal(await pairStranger(expiredInvite, { secret: "A".repeat(43) }), 400, "BAD_INVITE");
      expectRefusal(
        await pairStranger(expiredInvite, { cert: certFingerprint(havanaTls.cert) }),
        403,
        "UNKNOWN_PEER",
      );
      expectRefusal(
        await call({ path: "/peer/v1/pair", body: '{"invite":', tls: strangerTls }),
        400,
        "SCHEMA",
      );
      expect((await linesAtWashington()).get(spare)?.names).toEqual(["Washington"]);
      await expectWashingtonServes();
    });

    it("an expired invite is refused with INVITE_EXPIRED, by the joiner, and by the inviter when the expiry is edited", async () => {
      const expired = await hotline(["accept", expiredInvite, "--dir", running(havana).dir]);
      expect(expired.stderr).toMatch(/^error INVITE_EXPIRED: /);
      expect(expired.code).toBe(1);

      // The expiry in the string is not covered by the proof; the inviter checks the one it keeps.
      const edited = await alterInvite(expiredInvite, (invite) => {
        invite.expires = new Date(Date.now() + 3_600_000).toISOString();
      });
      const atInviter = await hotline(["accept", edited, "--dir", running(havana).dir]);
      // The joiner's station reports the inviter's verdict in the inviter's own code.
      expect(atInviter.stderr).toMatch(
        /^error INVITE_EXPIRED: Washington refused the invite: Cannot pair: the invite expired/,
      );
      expect(atInviter.code).toBe(1);
      expectRefusal(await pairStranger(edited), 410, "INVITE_EXPIRED");

      expect((await linesAtWashington()).get(spare)?.names).toEqual(["Washington"]);
      await expectWashingtonServes();
    });

    it("an invite works once: used again it is refused with INVITE_USED, by the joiner and by the inviter", async () => {
      const { invite } = await hotlineJson<{ invite: string }>([
        "invite",
        "--line",
        "spare",
        "--dir",
        running(washington).dir,
      ]);
      const first = await hotline(["accept", invite, "--dir", running(havana).dir, "--json"]);
      expect(first.stderr).toBe("");
      expect(first.code).toBe(0);

      const again = await hotline(["accept", invite, "--dir", running(havana).dir]);
      expect(again.stderr).toMatch(/^error INVITE_USED: /);
      expect(again.code).toBe(1);

      // Moscow is not on the spare line, so only Washington can tell that the invite was used.
      const byAnother = await hotline(["accept", invite, "--dir", running(moscow).dir]);
      expect(byAnother.stderr).toMatch(/^error INVITE_USED: Washington refused the invite: /);
      expect(byAnother.code).toBe(1);
      expectRefusal(await pairStranger(invite), 410, "INVITE_USED");

      expect((await linesAtWashington()).get(spare)?.names).toEqual(["Washington", "Havana"]);
      await expectWashingtonServes();
    });
  });

  describe("pushes: Washington refuses what it must, stores what it should, and keeps serving", () => {
    /** entries Washington should hold on the line: what it held when the pushes began, and each one taken */
    let expected: number;
    /** entries Washington holds on the spare line, which no push here may change */
    let spareEntries: number;

    beforeAll(async () => {
      // From here on only the entries this test makes speak for Moscow, and nothing else pushes.
      await Promise.all([stopStation(running(moscow)), stopStation(running(havana))]);
      const lines = await linesAtWashington();
      expected = lines.get(line)?.entries ?? Number.NaN;
      spareEntries = lines.get(spare)?.entries ?? Number.NaN;
    });

    const push = (body: unknown, tls: TlsCredentials | null = moscowTls) =>
      call({ path: "/peer/v1/push", body: JSON.stringify(body), tls });

    /**
     * Checks, with `hotline lines`, how many entries Washington holds on the line.
     *
     * @param taken how many entries the test expects Washington to have taken since the last check
     */
    async function expectStored(taken: number): Promise<void> {
      const wanted = expected + taken;
      expected = (await linesAtWashington()).get(line)?.entries ?? Number.NaN;
      expect(expected).toBe(wanted); // a wrong count fails this test, not every one after it
    }

    /** @returns a chain of the line as Washington holds it, read from its peer endpoint as Moscow */
    async function chainAtWashington(author: string): Promise<SealedEntry[]> {
      const answer = await call({ path: chainPath(author), tls: moscowTls });
      expect(answer.status).toBe(200);
      return (answer.body as { entries: unknown[] }).entries.map((e) => seal(parseEntry(e)));
    }

    /**
     * Signs a text entry as Moscow, continuing Moscow's chain as Washington holds it unless told otherwise.
     *
     * @param text the message
     * @param at seq, prev, line or time to use instead
     * @param key the key to sign with, whose station is the author (Moscow's)
     * @returns the sealed entry
     */
    async function moscowSays(
      text: string,
      at: { seq?: number; prev?: string | null; line?: string; time?: string } = {},
      key: Identity = moscowKey,
    ): Promise<SealedEntry> {
      const [mine, theirs] = await Promise.all([
        chainAtWashington(key.id),
        chainAtWashington(running(washington).id),
      ]);
      const head = mine.at(-1);
      const washingtonHead = theirs.at(-1);
      if (washingtonHead === undefined) throw new Error("Washington holds no chain of its own");
      return signEntry(
        {
          v: 1,
          line: at.line ?? line,
          author: key.id,
          seq: at.seq ?? (head?.entry.seq ?? 0) + 1,
          prev: at.prev === undefined ? (head?.hash ?? null) : at.prev,
          seen: { [running(washington).id]: washingtonHead.hash },
          time: at.time ?? new Date().toISOString(),
          kind: "text",
          body: { text, lang: "ru", precedence: "ROUTINE", operator: "duty-officer" },
        },
        key,
      );
    }

    /** @returns Washington's head statement in an answer, its signature checked */
    const statementIn = (answer: Answer) =>
      parseStatement((answer.body as { statement?: unknown }).statement);

    it("a correct next entry from Moscow is stored and answered with Washington's signed head statement", async () => {
      const entry = await moscowSays("Moscow here: the harness speaks for Moscow correctly.");
      const answer = await push({ line, entries: [JSON.parse(entry.bytes.toString("utf8"))] });
      expect(answer.status).toBe(200);
      const statement = statementIn(answer);
      expect(statement).toMatchObject({ line, station: running(washington).id });
      expect(statement.heads[moscowKey.id]).toEqual({ seq: entry.entry.seq, hash: entry.hash });
      expect((await chainAtWashington(moscowKey.id)).at(-1)?.hash).toBe(entry.hash);
      await expectStored(1);
      await expectWashingtonServes();
    });

    it("a connection without a client certificate is closed after the handshake, before any request is read", async () => {
      const entry = await moscowSays("Sent with no certificate at all.");
      const closed = /socket hang up|ECONNRESET|EPIPE/;
      await expect(push({ line, entries: [entry.entry] }, null)).rejects.toThrow(closed);
      await expect(call({ path: chainPath(moscowKey.id), tls: null })).rejects.toThrow(closed);
      await expectStored(0);
      await expectWashingtonServes();
    });

    it("a certificate pinned to no participant is refused with UNKNOWN_PEER, even carrying Moscow's good entry", async () => {
      const entry = await moscowSays("Relayed by a stranger's certificate.");
      expectRefusal(await push({ line, entries: [entry.entry] }, strangerTls), 403, "UNKNOWN_PEER");
      expectRefusal(await call({ path: chainPath(moscowKey.id), tls: strangerTls }), 403, "UNKNOWN_PEER");
      expectRefusal(
        await call({ path: "/peer/v1/heads", body: JSON.stringify({ statement: {} }), tls: strangerTls }),
        403,
        "UNKNOWN_PEER",
      );
      await expectStored(0);
      await expectWashingtonServes();
    });

    it("a certificate pinned to a station that is not on the line is refused with NOT_PARTICIPANT", async () => {
      const entry = await moscowSays("Relayed by Havana, which is on the spare line only.");
      expectRefusal(await push({ line, entries: [entry.entry] }, havanaTls), 403, "NOT_PARTICIPANT");
      await expectStored(0);
      await expectWashingtonServes();
    });

    it("an entry whose signature is wrong is refused with BAD_SIGNATURE and not stored", async () => {
      const entry = await moscowSays("My signature will be damaged on the way.");
      const sig = entry.entry.sig;
      const flipped = `${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`;
      expectRefusal(await push({ line, entries: [{ ...entry.entry, sig: flipped }] }), 400, "BAD_SIGNATURE");

      // Moscow named as the author, signed with Havana's key: a forgery.
      const { sig: _sig, ...unsigned } = entry.entry;
      const forged = signWithKey(unsigned, havanaKey.privateKey);
      expectRefusal(await push({ line, entries: [forged.entry] }), 400, "BAD_SIGNATURE");
      await expectStored(0);
      await expectWashingtonServes();
    });

    it("in a backlog of 100 (checked over worker threads), a bad signature at the 60th stops the batch there: the 59 before it are stored, nothing after", async () => {
      const first = await moscowSays("Backlog 1");
      const chain: SealedEntry[] = [first];
      for (let i = 2; i <= 100; i++) {
        const before = chain[chain.length - 1] as SealedEntry;
        chain.push(
          signEntry(
            {
              v: 1,
              line,
              author: moscowKey.id,
              seq: before.entry.seq + 1,
              prev: before.hash,
              seen: before.entry.seen,
              time: before.entry.time,
              kind: "text",
              body: { text: `Backlog ${i}`, lang: "ru", precedence: "ROUTINE", operator: "duty-officer" },
            },
            moscowKey,
          ),
        );
      }
      const wire = chain.map((e) => JSON.parse(e.bytes.toString("utf8")) as { sig: string; seq: number });
      const bad = wire[59] as { sig: string; seq: number };
      const damaged = { ...bad, sig: `${bad.sig[0] === "A" ? "B" : "A"}${bad.sig.slice(1)}` };
      const answer = await push({ line, entries: [...wire.slice(0, 59), damaged, ...wire.slice(60)] });
      expectRefusal(answer, 400, "BAD_SIGNATURE");
      expect((answer.body as { error: { message: string } }).error.message).toMatch(/signature/);
      expect(statementIn(answer).heads[moscowKey.id]?.seq).toBe(bad.seq - 1);
      await expectStored(59);

      expect((await push({ line, entries: wire.slice(59) })).status).toBe(200);
      expect((await chainAtWashington(moscowKey.id)).at(-1)?.hash).toBe(chain[99]?.hash);
      await expectStored(41);
      await expectWashingtonServes();
    });

    it("an entry by a station that is not a participant of the line is refused with UNKNOWN_AUTHOR", async () => {
      const entry = await moscowSays("Havana writes on a line it is not on.", {}, havanaKey);
      expectRefusal(await push({ line, entries: [entry.entry] }), 403, "UNKNOWN_AUTHOR");
      await expectStored(0);
      await expectWashingtonServes();
    });

    it("a body that is not JSON, or not a push, is refused with SCHEMA and nothing is stored", async () => {
      const raw = (body: string, contentType?: string) =>
        call({ path: "/peer/v1/push", body, tls: moscowTls, ...(contentType ? { contentType } : {}) });
      expectRefusal(await raw('{"line": "'), 400, "SCHEMA");
      expectRefusal(await raw(""), 400, "SCHEMA");
      expectRefusal(await raw("line=x", "text/plain"), 400, "SCHEMA");
      expectRefusal(await push({ line, entries: [] }), 400, "SCHEMA");
      expectRefusal(await push({ line, entries: [{ hello: "world" }] }), 400, "SCHEMA");
      const entry = await moscowSays("A push with a field too many.");
      expectRefusal(await push({ line, entries: [entry.entry], extra: true }), 400, "SCHEMA");
      await expectStored(0);
      await expectWashingtonServes();
    });

    it("a body larger than 8 MiB is refused with TOO_LARGE (413) and nothing is stored", async () => {
      const entry = await moscowSays("A small entry in a huge body.");
      const body = JSON.stringify({ line, entries: [entry.entry], padding: "x".repeat(EIGHT_MIB) });
      expect(body.length).toBeGreaterThan(EIGHT_MIB);
      // The server may answer 413 and close before the client has written the whole body: the
      // client then sees EPIPE or a reset, which is as much a refusal as the 413 itself.
      // 8 MiB over TLS may take a while on a loaded machine: a minute before calling it a hang.
      const sending = call({ path: "/peer/v1/push", body, tls: moscowTls, timeoutMs: 60_000 });
      const answer = await sending.catch((error: unknown) => {
        expect(String((error as { code?: string }).code)).toMatch(/^(EPIPE|ECONNRESET)$/);
        return null;
      });
      if (answer !== null) expectRefusal(answer, 413, "TOO_LARGE");
      await expectStored(0);
      await expectWashingtonServes();
    });

    it("a push naming a line Washington is not on, or carrying the genesis of such a line, is refused with UNKNOWN_LINE", async () => {
      const elsewhere = sha256Hex("a line Washington never heard of");
      const entry = await moscowSays("Meant for a line that is not here.");
      const named = await push({ line: elsewhere, entries: [entry.entry] });
      expectRefusal(named, 404, "UNKNOWN_LINE");
      expect(named.body).not.toHaveProperty("statement");

      // A genesis is the one entry that names no line: its hash is its line.
      const genesis = signEntry(
        {
          v: 1,
          line: null,
          author: moscowKey.id,
          seq: 1,
          prev: null,
          seen: {},
          time: new Date().toISOString(),
          kind: "line.genesis",
          body: {
            name: "moscow-only",
            creator: {
              station: moscowKey.id,
              name: "Moscow",
              url: "https://127.0.0.1:9",
              cert: certFingerprint(moscowTls.cert),
            },
            operator: "duty-officer",
          },
        },
        moscowKey,
      );
      const opened = await push({ line, entries: [genesis.entry] });
      expectRefusal(opened, 404, "UNKNOWN_LINE");
      expect(opened.body).not.toHaveProperty("statement");
      expect([...(await linesAtWashington()).keys()].sort()).toEqual([line, spare].sort());
      await expectStored(0);
      await expectWashingtonServes();
    });

    it("a push for one line carries only entries of that line: a peer on another line can neither relay into it nor read its heads", async () => {
      // Havana is pinned here as a participant of the spare line only; Moscow is not on the spare line.
      const relayed = await moscowSays("Relayed by Havana under the spare line's name.");
      const relay = await push({ line: spare, entries: [relayed.entry] }, havanaTls);
      expectRefusal(relay, 400, "BAD_LINE");
      const probe = await push({ line: spare, entries: [{ line, author: moscowKey.id, seq: 1 }] }, havanaTls);
      expectRefusal(probe, 400, "BAD_LINE");
      const elsewhere = await moscowSays("Moscow writes under the spare line's id.", { line: spare });
      const cross = await push({ line, entries: [elsewhere.entry] });
      expectRefusal(cross, 400, "BAD_LINE");
      for (const answer of [relay, probe, cross]) expect(answer.body).not.toHaveProperty("statement");
      await expectStored(0);
      expect((await linesAtWashington()).get(spare)?.entries).toBe(spareEntries);
      await expectWashingtonServes();
    });

    it("a seq gap is refused with CHAIN_GAP and Washington's signed heads, and the backfill then succeeds", async () => {
      const missing = await moscowSays("Seq head+1: held back at first.");
      const after = await moscowSays("Seq head+2: sent first.", {
        seq: missing.entry.seq + 1,
        prev: missing.hash,
      });
      const gap = await push({ line, entries: [after.entry] });
      expectRefusal(gap, 409, "CHAIN_GAP");
      const heads = statementIn(gap);
      expect(heads).toMatchObject({ line, station: running(washington).id });
      expect(heads.heads[moscowKey.id]?.seq).toBe(missing.entry.seq - 1);
      await expectStored(0);

      // What the sender does with those heads: send again from the seq after Washington's head.
      const backfill = await push({ line, entries: [missing.entry, after.entry] });
      expect(backfill.status).toBe(200);
      expect(statementIn(backfill).heads[moscowKey.id]).toEqual({ seq: after.entry.seq, hash: after.hash });
      await expectStored(2);
      await expectWashingtonServes();
    });

    it("an entry whose prev does not name the entry before it is refused with BAD_PREV", async () => {
      const entry = await moscowSays("My prev is wrong.", { prev: sha256Hex("not the previous entry") });
      expectRefusal(await push({ line, entries: [entry.entry] }), 409, "BAD_PREV");
      await expectStored(0);
      await expectWashingtonServes();
    });

    it("an entry dated an hour ahead of Washington's clock is refused with FUTURE_TIME", async () => {
      const time = new Date(Date.now() + 3_600_000).toISOString();
      const entry = await moscowSays("Written an hour from now.", { time });
      expectRefusal(await push({ line, entries: [entry.entry] }), 400, "FUTURE_TIME");
      await expectStored(0);
      await expectWashingtonServes();
    });

    it("an entry Washington already holds, sent again, is an idempotent OK and is stored once", async () => {
      const held = (await chainAtWashington(moscowKey.id)).at(-1);
      if (held === undefined) throw new Error("Washington holds nothing of Moscow's yet");
      for (const copy of [held.entry, JSON.parse(held.bytes.toString("utf8")) as unknown]) {
        const again = await push({ line, entries: [copy] });
        expect(again.status).toBe(200);
        expect(statementIn(again).heads[moscowKey.id]).toEqual({ seq: held.entry.seq, hash: held.hash });
      }
      expect((await chainAtWashington(moscowKey.id)).filter((e) => e.hash === held.hash)).toHaveLength(1);
      await expectStored(0);
      await expectWashingtonServes();
    });

    it("a second, different entry signed by Moscow at a seq Washington holds is refused with EQUIVOCATION; evidence is kept and an alarm raised", async () => {
      const held = (await chainAtWashington(moscowKey.id)).at(-1);
      if (held === undefined) throw new Error("Washington holds nothing of Moscow's yet");
      const other = await moscowSays("The same seq, another history.", {
        seq: held.entry.seq,
        prev: held.entry.prev,
      });
      expect(other.hash).not.toBe(held.hash);
      const answer = await push({ line, entries: [other.entry] });
      expectRefusal(answer, 409, "EQUIVOCATION");
      expect(statementIn(answer).heads[moscowKey.id]).toEqual({ seq: held.entry.seq, hash: held.hash });
      expect((await chainAtWashington(moscowKey.id)).at(-1)?.hash).toBe(held.hash);
      await expectStored(0);

      // Read beside the running station, without writing.
      const store = await openStationStore(running(washington).dir);
      try {
        expect(await store.evidence(line)).toEqual([
          expect.objectContaining({
            code: "EQUIVOCATION",
            author: moscowKey.id,
            seq: held.entry.seq,
            heldHash: held.hash,
            otherHash: other.hash,
            otherBytes: other.bytes,
          }),
        ]);
        expect((await store.alarms()).filter((a) => a.code === "EQUIVOCATION")).toEqual([
          expect.objectContaining({ severity: "critical", line, peer: moscowKey.id, entry: other.hash }),
        ]);
      } finally {
        await store.close();
      }
      expect(running(washington).output).toMatch(/"code":"EQUIVOCATION"/);
      await expectWashingtonServes();
    });

    it("after all of that Washington still takes Moscow's next entry, and its status says it runs", async () => {
      const entry = await moscowSays("Still here after the bad input.");
      expect((await push({ line, entries: [entry.entry] })).status).toBe(200);
      await expectStored(1);
      const status = await hotlineJson<{ running: boolean }>(["status", "--dir", running(washington).dir]);
      expect(status.running).toBe(true);
      await expectWashingtonServes();
    });
  });
});
