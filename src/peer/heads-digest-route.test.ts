import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { inProcessPair } from "../../test/helpers/in-process-pair.js";
import { digestFormOf, parseDigestStatement } from "../record/mod.js";
import type { Station } from "../station/mod.js";
import { PeerClient } from "./client.js";
import { buildPeerServer } from "./server.js";

/** A link test by digest over mutual TLS: Washington's client, Moscow's real peer server. */
describe("POST /peer/v1/heads with a digest", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("a pair holding the same heads exchanges digests and each keeps the other's statement; once they differ, the answer says so and nothing is kept", async () => {
    const pair = await inProcessPair(new Date().toISOString());
    cleanups.push(async () => await pair.close());
    const { washington, moscow, line, clock } = pair;
    await pair.sync();
    const app = buildPeerServer(moscow, { tls: tlsOf(moscow), logger: pino({ level: "silent" }) });
    await app.listen({ host: "127.0.0.1", port: 0 });
    cleanups.push(() => app.close());
    const client = new PeerClient(tlsOf(washington));
    cleanups.push(() => client.close());
    const row = (await washington.store.participants(line)).find((p) => p.station === moscow.id);
    if (row === undefined) throw new Error("Moscow is not a participant at Washington");
    const target = {
      station: moscow.id,
      url: `https://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
      cert: row.cert,
    };

    const sent = await washington.headStatement(line);
    const answer = parseDigestStatement(await client.headsByDigest(target, digestFormOf(sent)));
    expect(answer).toMatchObject({ station: moscow.id, line, digest: digestFormOf(sent).digest });
    expect(moscow.heardFrom(line, washington.id)).toEqual(sent);
    expect(moscow.lastExchange(line, washington.id)).toBe(clock.now());

    await washington.send({ line, text: "Not delivered yet.", operator: "admin" });
    await clock.advance(1_000);
    const ahead = await washington.headStatement(line);
    const differs = parseDigestStatement(await client.headsByDigest(target, digestFormOf(ahead)));
    expect(differs.digest).not.toBe(digestFormOf(ahead).digest);
    expect(moscow.heardFrom(line, washington.id)).toEqual(sent);
  });
});

function tlsOf(station: Station): { cert: string; key: string } {
  return {
    cert: readFileSync(station.paths.tlsCert, "utf8"),
    key: readFileSync(station.paths.tlsKey, "utf8"),
  };
}
