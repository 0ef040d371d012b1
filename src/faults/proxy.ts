import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";
import { HotlineError } from "../record/mod.js";
import { appliesTo, FAULTS, HEALTHY, type FaultChange, type Faults } from "./faults.js";
import { seededRandom } from "./random.js";

/** Bytes held back in one direction before the sending side is paused (backpressure). */
const MAX_QUEUED_BYTES = 1024 * 1024;

export interface ProxyOptions {
  /** where the proxy listens; port 0 picks a free one */
  listen: { host: string; port: number };
  /** the station (or anything TCP) it forwards to */
  upstream: { host: string; port: number };
  /** seed of the random draws (jitter, loss, dropped connections); default 1 */
  seed?: number;
  /** faults from the start; default none */
  faults?: FaultChange;
}

/** What a proxy has carried and done, for a chaos run's table. */
export interface ProxyCounts {
  connections: number;
  refused: number;
  open: number;
  bytesUp: number;
  bytesDown: number;
  /** bytes swallowed by a blackhole */
  swallowed: number;
  /** chunks delayed as lost and resent */
  lost: number;
}

/**
 * A TCP proxy that injects faults between a client and a station, in the spirit of Toxiproxy:
 * latency and jitter, loss (as TCP sees it: late bytes), a bandwidth limit, a blackhole one way
 * or both (half-open connections), refused and dropped connections, and resetting every open
 * connection at once. Faults change while connections are open and apply to the next bytes.
 * It sees only TLS records: it can delay, cut and reset, never read or alter what passes.
 */
export class FaultProxy {
  readonly #options: ProxyOptions;
  readonly #random: () => number;
  readonly #server: Server;
  readonly #connections = new Set<Connection>();
  #faults: Faults;
  readonly #counts: ProxyCounts = {
    connections: 0,
    refused: 0,
    open: 0,
    bytesUp: 0,
    bytesDown: 0,
    swallowed: 0,
    lost: 0,
  };

  private constructor(options: ProxyOptions) {
    this.#options = options;
    this.#random = seededRandom(options.seed ?? 1);
    this.#faults = { ...HEALTHY };
    if (options.faults !== undefined) this.set(options.faults);
    // Half-open allowed: an end from one side is passed on by the pipe, after the bytes before it.
    this.#server = createServer({ allowHalfOpen: true }, (client) => this.#accept(client));
  }

  /**
   * @param options where to listen and forward, seed and first faults
   * @returns a proxy, listening
   * @throws HotlineError BAD_INPUT for faults out of bounds; the listen error when the port is taken
   */
  static async start(options: ProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once("error", reject);
      proxy.#server.listen(options.listen.port, options.listen.host, () => {
        proxy.#server.off("error", reject);
        resolve();
      });
    });
    return proxy;
  }

  /** @returns the address clients connect to */
  get address(): { host: string; port: number } {
    const { address, port } = this.#server.address() as AddressInfo;
    return { host: address, port };
  }

  /** @returns `https://HOST:PORT` of the proxy, to give a station as a route's URL */
  get url(): string {
    return `https://${this.address.host}:${this.address.port}`;
  }

  /** @returns the faults in force */
  get faults(): Faults {
    return { ...this.#faults };
  }

  /** @returns what the proxy has carried so far */
  get counts(): ProxyCounts {
    return { ...this.#counts, open: this.#connections.size };
  }

  /**
   * Changes some faults; the others stay.
   *
   * @param change the faults to change
   * @returns the faults now in force
   * @throws HotlineError BAD_INPUT for a field out of bounds (nothing changes then)
   */
  set(change: FaultChange): Faults {
    const defined = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
    const parsed = FAULTS.safeParse({ ...this.#faults, ...defined });
    if (!parsed.success) {
      throw new HotlineError(
        "BAD_INPUT",
        `Cannot set these faults: ${parsed.error.issues[0]?.message ?? "invalid"}`,
      );
    }
    this.#faults = parsed.data;
    return this.faults;
  }

  /** @returns the faults now in force: none */
  heal(): Faults {
    this.#faults = { ...HEALTHY };
    return this.faults;
  }

  /**
   * Cuts the route hard: new connections are refused and open ones reset (what a peer sees when
   * the far host's port closes). {@link heal} undoes it.
   */
  cut(): void {
    this.set({ refuse: true });
    this.resetAll();
  }

  /** Resets every open connection at once (both ends see ECONNRESET). */
  resetAll(): void {
    for (const connection of this.#connections) connection.reset();
  }

  /** Stops listening and resets every open connection. */
  async close(): Promise<void> {
    this.resetAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    this.#counts.connections++;
    client.on("error", () => undefined);
    const faults = this.#faults;
    if (faults.refuse || (faults.dropRate > 0 && this.#random() < faults.dropRate)) {
      this.#counts.refused++;
      client.resetAndDestroy();
      return;
    }
    const connection = new Connection(client, this.#options.upstream, {
      faults: () => this.#faults,
      random: this.#random,
      counts: this.#counts,
      closed: () => this.#connections.delete(connection),
    });
    this.#connections.add(connection);
  }
}

interface ConnectionContext {
  faults(): Faults;
  random(): number;
  counts: ProxyCounts;
  closed(): void;
}

/** One client connection and its upstream connection, with a faulty pipe each way. */
class Connection {
  readonly #client: Socket;
  readonly #upstream: Socket;
  readonly #pipes: Pipe[];
  #done = false;

  constructor(client: Socket, upstream: { host: string; port: number }, context: ConnectionContext) {
    this.#client = client;
    this.#upstream = connect({ port: upstream.port, host: upstream.host, allowHalfOpen: true });
    this.#upstream.on("error", () => undefined);
    this.#pipes = [
      new Pipe(client, this.#upstream, "up", context),
      new Pipe(this.#upstream, client, "down", context),
    ];
    const finish = (reset: boolean) => {
      if (this.#done) return;
      this.#done = true;
      for (const pipe of this.#pipes) pipe.stop();
      // A reset travels on as a reset; an orderly close was already passed on by the pipes.
      for (const socket of [this.#client, this.#upstream]) {
        if (reset) socket.resetAndDestroy();
        else socket.destroy();
      }
      context.closed();
    };
    const onClose = (socket: Socket) => (hadError: boolean) => {
      // A side that closed cleanly has had its end passed on; wait for the other side to close too.
      if (hadError || socket.errored !== null) finish(true);
      else if (this.#client.closed && this.#upstream.closed) finish(false);
    };
    client.on("close", onClose(client));
    this.#upstream.on("close", onClose(this.#upstream));
    this.reset = () => finish(true);
  }

  /** Resets both sockets. */
  reset: () => void;
}

/** Bytes from one socket to the other, delayed, limited or swallowed as the faults say, in order. */
class Pipe {
  readonly #from: Socket;
  readonly #to: Socket;
  readonly #way: "up" | "down";
  readonly #context: ConnectionContext;
  /** what is due to happen, in order of time (never out of order: due times only grow) */
  readonly #due: { at: number; act: () => void }[] = [];
  #timer: NodeJS.Timeout | null = null;
  /** when the last chunk queued will have been delivered (ms since epoch) */
  #lastDelivery = 0;
  #queued = 0;
  #ended = false;

  constructor(from: Socket, to: Socket, way: "up" | "down", context: ConnectionContext) {
    this.#from = from;
    this.#to = to;
    this.#way = way;
    this.#context = context;
    from.on("data", (chunk: Buffer) => this.#carry(chunk));
    from.on("end", () => {
      this.#ended = true;
      this.#at(this.#lastDelivery, () => {
        if (!to.destroyed) to.end();
      });
    });
  }

  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#due.length = 0;
  }

  #carry(chunk: Buffer): void {
    const faults = this.#context.faults();
    const counts = this.#context.counts;
    if (appliesTo(faults.blackhole, this.#way)) {
      counts.swallowed += chunk.length;
      return;
    }
    const now = Date.now();
    let delay =
      faults.latencyMs + (faults.jitterMs > 0 ? Math.floor(this.#context.random() * faults.jitterMs) : 0);
    if (faults.lossRate > 0 && this.#context.random() < faults.lossRate) {
      counts.lost++;
      delay += faults.retransmitMs;
    }
    let due = now + delay;
    if (faults.bytesPerSecond !== null) {
      // The link is busy until the chunk before has gone; this one takes its length's worth after.
      due = Math.max(due, this.#lastDelivery) + (chunk.length * 1000) / faults.bytesPerSecond;
    }
    // TCP delivers in order: nothing overtakes a delayed chunk.
    due = Math.max(due, this.#lastDelivery);
    this.#lastDelivery = due;
    this.#queued += chunk.length;
    if (this.#queued > MAX_QUEUED_BYTES) this.#from.pause();
    this.#at(due, () => {
      this.#queued -= chunk.length;
      if (this.#way === "up") counts.bytesUp += chunk.length;
      else counts.bytesDown += chunk.length;
      if (!this.#to.destroyed) this.#to.write(chunk);
      if (this.#queued <= MAX_QUEUED_BYTES / 2 && !this.#ended) this.#from.resume();
    });
  }

  /** Runs `act` at a time, after everything queued before it. */
  #at(at: number, act: () => void): void {
    this.#due.push({ at, act });
    this.#run();
  }

  #run(): void {
    if (this.#timer !== null) return;
    const now = Date.now();
    while (this.#due.length > 0 && (this.#due[0]?.at ?? 0) <= now) this.#due.shift()?.act();
    const next = this.#due[0];
    if (next === undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#run();
    }, next.at - now);
  }
}
