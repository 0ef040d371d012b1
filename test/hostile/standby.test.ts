/**
 * The standby's peer port (one process of an active/standby pair that does not hold the lease):
 * whatever a peer or a stranger sends, it answers 503 STANDBY, reads nothing, writes nothing, and
 * stays up.
 */
import { connect } from "node:tls";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveAsStandby, type StandbyServers } from "../../src/cli/standby-servers.js";
import type { LeaseRow } from "../../src/store/mod.js";
import { freeLoopbackPort, makeSelfSignedCertificate } from "../../src/station/mod.js";
import { codeOf, peerCall } from "../helpers/peer-call.js";

describe("hostile input at a standby's peer port", () => {
  let servers: StandbyServers;
  let port: number;
  let mallory: { cert: string; key: string };
  const lease: LeaseRow = {
    holder: JSON.stringify({
      station: "Washington",
      routes: ["primary"],
      host: "host-a",
      pid: 4242,
      url: "https://127.0.0.1:1",
      api: "127.0.0.1:2",
    }),
    epoch: 3,
    acquiredAt: "2026-12-07T13:00:00.000Z",
    expiresAt: "2999-01-01T00:00:00.000Z",
  };

  beforeAll(async () => {
    port = await freeLoopbackPort();
    const own = await makeSelfSignedCertificate("Washington", ["127.0.0.1"]);
    mallory = await makeSelfSignedCertificate("Mallory", ["127.0.0.1"]);
    servers = await serveAsStandby({
      station: {
        id: "washington-id",
        name: "Washington",
        url: `https://127.0.0.1:${port}`,
        store: "postgres://hotline@db-a:5432/washington",
      },
      tls: own,
      apiTls: null,
      listen: [`127.0.0.1:${port}`],
      api: `127.0.0.1:${await freeLoopbackPort()}`,
      lease: async () => lease,
      logger: pino({ level: "silent" }),
    });
  });
  afterAll(async () => {
    await servers.close();
  });

  const stillAnswers = async () => {
    const answer = await peerCall(port, { path: "/v1/status", tls: mallory });
    expect(answer.status).toBe(503);
    expect(codeOf(answer)).toBe("STANDBY");
  };

  it("answers a stranger without a certificate, any path and method, 503 STANDBY naming the active", async () => {
    for (const path of ["/", "/v1/push", "/v1/../../etc/passwd", `/${"x".repeat(4000)}`]) {
      const answer = await peerCall(port, { path, tls: null, method: "POST", body: "{}" });
      expect(answer.status, path).toBe(503);
      expect(codeOf(answer)).toBe("STANDBY");
      expect((answer.body as { active: { epoch: number; who: string } }).active).toMatchObject({
        epoch: 3,
        who: "Washington on host-a (pid 4242, https://127.0.0.1:1)",
      });
    }
  });

  it("answers a huge body and a malformed one 503 STANDBY without reading them, and stays up", async () => {
    const big = await peerCall(port, { path: "/v1/push", tls: mallory, body: Buffer.alloc(5 << 20, 0x7b) });
    expect(big.status).toBe(503);
    expect(codeOf(big)).toBe("STANDBY");
    const garbage = await peerCall(port, {
      path: "/v1/push",
      tls: mallory,
      body: "{not json",
      contentType: "application/json",
    });
    expect(garbage.status).toBe(503);
    expect(codeOf(garbage)).toBe("STANDBY");
    await stillAnswers();
  });

  it("a connection that sends half a request and goes quiet does not keep it from answering others", async () => {
    const socket = connect({ host: "127.0.0.1", port, rejectUnauthorized: false, ...mallory });
    await new Promise<void>((resolve) => socket.once("secureConnect", () => resolve()));
    socket.write("POST /v1/push HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{");
    await stillAnswers();
    socket.destroy();
  });
});
