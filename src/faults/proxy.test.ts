import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { controlApp, startControl } from "./control.js";
import { FaultProxy } from "./proxy.js";

/** An upstream that echoes what it gets and remembers it. */
interface Echo {
  server: Server;
  port: number;
  received: () => Buffer;
  sockets: Socket[];
}

async function echoServer(options: { echo?: boolean } = {}): Promise<Echo> {
  const chunks: Buffer[] = [];
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (options.echo !== false) socket.write(chunk);
    });
    socket.on("end", () => socket.end());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    server,
    port: (server.address() as AddressInfo).port,
    received: () => Buffer.concat(chunks),
    sockets,
  };
}

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function setUp(faults: Parameters<typeof FaultProxy.start>[0]["faults"] = {}, seed = 1) {
  const echo = await echoServer();
  open.push(echo.server);
  const proxy = await FaultProxy.start({
    listen: { host: "127.0.0.1", port: 0 },
    upstream: { host: "127.0.0.1", port: echo.port },
    faults,
    seed,
  });
  open.push(proxy);
  return { echo, proxy };
}

async function dial(proxy: FaultProxy): Promise<Socket> {
  const socket = connect(proxy.address.port, proxy.address.host);
  socket.on("error", () => undefined);
  await once(socket, "connect");
  open.push({ close: () => socket.destroy() });
  return socket;
}

/** Collects what a socket receives until `length` bytes have come. */
function receive(socket: Socket, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      got += chunk.length;
      if (got >= length) {
        socket.off("data", onData);
        resolve(Buffer.concat(chunks));
      }
    };
    socket.on("data", onData);
    socket.once("close", () => reject(new Error(`closed after ${got} of ${length} bytes`)));
  });
}

/** Resolves with how a socket ended: reset, or closed cleanly. */
function ending(socket: Socket): Promise<"reset" | "closed"> {
  return new Promise((resolve) => {
    let reset = false;
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET") reset = true;
    });
    socket.once("close", () => resolve(reset ? "reset" : "closed"));
  });
}

describe("the fault proxy", () => {
  it("carries bytes both ways intact and in order, through jitter and loss", async () => {
    const { proxy } = await setUp({ latencyMs: 2, jitterMs: 15, lossRate: 0.2, retransmitMs: 30 });
    const socket = await dial(proxy);
    const payload = randomBytes(256 * 1024);
    const back = receive(socket, payload.length);
    for (let at = 0; at < payload.length; at += 4096) socket.write(payload.subarray(at, at + 4096));
    expect((await back).equals(payload)).toBe(true);
    expect(proxy.counts.lost).toBeGreaterThan(0);
    expect(proxy.counts.bytesUp).toBe(payload.length);
    expect(proxy.counts.bytesDown).toBe(payload.length);
  });

  it("adds its latency each way, so a round trip takes at least twice as long", async () => {
    const { proxy } = await setUp({ latencyMs: 150 });
    const socket = await dial(proxy);
    const started = performance.now();
    const back = receive(socket, 4);
    socket.write("ping");
    expect((await back).toString()).toBe("ping");
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
  });

  it("limits bandwidth: 100 KB at 200 KB/s takes at least half a second", async () => {
    const { proxy } = await setUp({ bytesPerSecond: 200_000 });
    const socket = await dial(proxy);
    const payload = randomBytes(100_000);
    const started = performance.now();
    const back = receive(socket, payload.length);
    socket.write(payload);
    expect((await back).equals(payload)).toBe(true);
    // the echo comes back as it goes up, so the round trip takes what the way up takes
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
  });

  it("swallows bytes going up in a one-way blackhole and keeps the connection open", async () => {
    const { echo, proxy } = await setUp({ blackhole: "up" });
    const socket = await dial(proxy);
    socket.write("lost");
    await waitUntil(() => proxy.counts.swallowed === 4);
    proxy.heal();
    const back = receive(socket, 5);
    socket.write("found");
    // had "lost" gone up, the echo would have sent it back before "found"
    expect((await back).toString()).toBe("found");
    expect(echo.received().toString()).toBe("found");
    expect(socket.destroyed).toBe(false);
  });

  it("swallows answers in a one-way blackhole down while requests still arrive", async () => {
    const { echo, proxy } = await setUp({ blackhole: "down" });
    const socket = await dial(proxy);
    socket.write("heard");
    await waitUntil(() => echo.received().toString() === "heard" && proxy.counts.swallowed === 5);
    proxy.heal();
    const back = receive(socket, 5);
    socket.write("again");
    expect((await back).toString()).toBe("again");
  });

  it("cuts a route: open connections are reset, new ones refused, until healed", async () => {
    const { proxy } = await setUp();
    const socket = await dial(proxy);
    const ended = ending(socket);
    proxy.cut();
    expect(await ended).toBe("reset");
    const refused = connect(proxy.address.port, proxy.address.host);
    expect(await ending(refused)).toBe("reset");
    expect(proxy.counts.refused).toBe(1);
    proxy.heal();
    const again = await dial(proxy);
    const back = receive(again, 2);
    again.write("ok");
    expect((await back).toString()).toBe("ok");
  });

  it("drops the same connections for the same seed, so a chaos run can be replayed", async () => {
    const outcomes = async (seed: number) => {
      const { proxy } = await setUp({ dropRate: 0.5 }, seed);
      const seen: string[] = [];
      for (let i = 0; i < 12; i++) {
        const socket = connect(proxy.address.port, proxy.address.host);
        const ended = ending(socket);
        socket.once("connect", () => socket.end());
        seen.push(await ended);
      }
      return seen;
    };
    const first = await outcomes(42);
    expect(first).toContain("reset");
    expect(first).toContain("closed");
    expect(await outcomes(42)).toEqual(first);
  });

  it("passes an orderly close on to the other side", async () => {
    const { proxy } = await setUp({ latencyMs: 20 });
    const socket = await dial(proxy);
    const ended = ending(socket);
    const back = receive(socket, 3);
    socket.end("bye");
    expect((await back).toString()).toBe("bye");
    expect(await ended).toBe("closed");
  });

  it("refuses faults out of bounds and changes nothing then", async () => {
    const { proxy } = await setUp({ latencyMs: 10 });
    expect(() => proxy.set({ latencyMs: -1 })).toThrow(/Cannot set these faults/);
    expect(() => proxy.set({ lossRate: 2 })).toThrow(/Cannot set these faults/);
    expect(proxy.faults.latencyMs).toBe(10);
    expect(proxy.faults.lossRate).toBe(0);
  });
});

describe("the proxy's control API", () => {
  it("shows, changes, cuts and heals a proxy by name, and refuses bad faults with BAD_INPUT", async () => {
    const { proxy } = await setUp();
    const app = controlApp(new Map([["primary", proxy]]));
    open.push(app);
    const listed = await app.inject({ method: "GET", url: "/proxies" });
    expect(listed.json()).toMatchObject({ proxies: [{ name: "primary", faults: { latencyMs: 0 } }] });

    const changed = await app.inject({
      method: "PUT",
      url: "/proxies/primary",
      payload: { latencyMs: 50, blackhole: "down" },
    });
    expect(changed.json()).toMatchObject({ faults: { latencyMs: 50, blackhole: "down", refuse: false } });

    const bad = await app.inject({ method: "PUT", url: "/proxies/primary", payload: { latencyMs: "soon" } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: "BAD_INPUT" } });
    const extra = await app.inject({ method: "PUT", url: "/proxies/primary", payload: { explode: true } });
    expect(extra.statusCode).toBe(400);
    expect(proxy.faults.latencyMs).toBe(50);

    expect((await app.inject({ method: "POST", url: "/proxies/primary/cut" })).json()).toMatchObject({
      faults: { refuse: true },
    });
    expect((await app.inject({ method: "POST", url: "/proxies/primary/heal" })).json()).toMatchObject({
      faults: { refuse: false, latencyMs: 0, blackhole: "none" },
    });
    const missing = await app.inject({ method: "POST", url: "/proxies/backup/cut" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("listens on loopback only: it has no authentication", async () => {
    await expect(startControl(new Map(), { host: "0.0.0.0", port: 0 })).rejects.toThrow(/loopback only/);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
