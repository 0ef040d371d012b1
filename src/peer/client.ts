import type { ClientRequest } from "node:http";
import { request } from "node:https";
import { HotlineError, type DigestStatement, type HeadStatement } from "../record/mod.js";
import type { PairRequest, PairResponse, PeerTarget, PeerTransport } from "../station/mod.js";
import { MAX_ANSWER_BYTES, MAX_PAGE_ANSWER_BYTES } from "./limits.js";
import { MAX_SOCKETS_PER_PEER, PinnedAgent } from "./pinned-agent.js";

/**
 * The peer said no (a protocol failure, as opposed to not being reached): its error code, and the
 * head statement it sent along, if any (so a sender can backfill from where the peer stands).
 */
export class PeerRejection extends HotlineError {
  readonly remoteCode: string;
  readonly remoteMessage: string;
  readonly status: number;
  readonly statement: unknown;

  constructor(remoteCode: string, message: string, status: number, statement: unknown) {
    super("PEER_REJECTED", `The peer refused: ${remoteCode}: ${message}`);
    this.name = "PeerRejection";
    this.remoteCode = remoteCode;
    this.remoteMessage = message;
    this.status = status;
    this.statement = statement;
  }
}

const COMMA = Buffer.from(",");

/** How long one request may take, and how large its answer may be. */
export interface CallLimits {
  /**
   * the whole exchange — connecting, sending, the complete answer — within this, plus the time
   * its bytes take at the client's least transfer rate
   */
  timeoutMs?: number | undefined;
  /** most bytes of the answer's body read */
  maxBytes?: number | undefined;
  /**
   * never sent twice (an invite's use): by default a request whose kept-alive connection the peer
   * closed just as it was reused goes again on another, since every other peer request can be
   */
  once?: boolean | undefined;
}

/**
 * Talks to peer stations over mutual TLS: one kept-alive, certificate-pinned agent per peer.
 * Transport failures throw HotlineError PEER_UNREACHABLE — a peer that does not answer in full
 * within the timeout, however it trickles, included; refusals throw {@link PeerRejection}; an
 * answer larger than allowed throws TOO_LARGE.
 */
export class PeerClient implements PeerTransport {
  #tls: { cert: string; key: string };
  readonly #timeoutMs: number;
  readonly #msPerByte: number;
  readonly #agents = new Map<string, PinnedAgent>();

  /**
   * @param tls this station's certificate and key
   * @param options timeout of a whole request (default 5 s), and the least transfer rate a request
   *   is given time for on top of it (default 64 KiB/s: a 4 MiB push on a slow link is not cut off,
   *   a peer that trickles its answer a byte at a time is)
   */
  constructor(
    tls: { cert: string; key: string },
    options: { timeoutMs?: number; minBytesPerSecond?: number } = {},
  ) {
    this.#tls = tls;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#msPerByte = 1000 / (options.minBytesPerSecond ?? 64 * 1024);
  }

  /** Joiner → inviter: prove the invite, get the line's genesis. */
  pair(target: PeerTarget, body: PairRequest): Promise<PairResponse> {
    return this.call(target, "POST", "/peer/v1/pair", body, { once: true }) as Promise<PairResponse>;
  }

  /** Sends entries; the answer is the peer's signed head statement (the receipt). */
  async push(target: PeerTarget, line: string, entries: readonly Buffer[]): Promise<unknown> {
    // The stored canonical bytes go as they are: no parsing and serialising again per entry.
    const body = Buffer.concat([
      Buffer.from(`{"line":${JSON.stringify(line)},"entries":[`),
      ...entries.flatMap((e, i) => (i === 0 ? [e] : [COMMA, e])),
      Buffer.from("]}"),
    ]);
    const answer = (await this.call(target, "POST", "/peer/v1/push", body)) as {
      statement: unknown;
    };
    return answer.statement;
  }

  /** Exchanges signed head statements. */
  async heads(
    target: PeerTarget,
    statement: HeadStatement,
    options: { timeoutMs?: number } = {},
  ): Promise<unknown> {
    const answer = (await this.call(target, "POST", "/peer/v1/heads", { statement }, options)) as {
      statement: unknown;
    };
    return answer.statement;
  }

  /** Exchanges head statements in their digest form (a link test): the answer is the peer's. */
  async headsByDigest(
    target: PeerTarget,
    digest: DigestStatement,
    options: { timeoutMs?: number } = {},
  ): Promise<unknown> {
    const answer = (await this.call(target, "POST", "/peer/v1/heads", { digest }, options)) as {
      digest: unknown;
    };
    return answer.digest;
  }

  /** The newest statement the peer heard from another participant of the line (null if none). */
  async statementOf(
    target: PeerTarget,
    line: string,
    station: string,
    options: { timeoutMs?: number } = {},
  ): Promise<unknown> {
    const query = new URLSearchParams({ line, station });
    const answer = (await this.call(
      target,
      "GET",
      `/peer/v1/statement?${query.toString()}`,
      undefined,
      options,
    )) as {
      statement?: unknown;
    };
    return answer.statement ?? null;
  }

  /** A page of one chain, after a seq. */
  async entries(
    target: PeerTarget,
    line: string,
    author: string,
    after: number,
    limit: number,
  ): Promise<unknown[]> {
    const query = new URLSearchParams({ line, author, after: String(after), limit: String(limit) });
    const answer = (await this.call(target, "GET", `/peer/v1/entries?${query.toString()}`, undefined, {
      maxBytes: MAX_PAGE_ANSWER_BYTES,
    })) as { entries?: unknown };
    if (!Array.isArray(answer.entries)) {
      throw new HotlineError("SCHEMA", `Cannot read the page of ${target.url}: it holds no list of entries`);
    }
    if (answer.entries.length > limit) {
      throw new HotlineError(
        "TOO_LARGE",
        `Cannot read the page of ${target.url}: it holds ${answer.entries.length} entries, ${limit} were asked for`,
      );
    }
    return answer.entries as unknown[];
  }

  /**
   * Presents another certificate from now on (a renewal completed): connections made with the old
   * one are closed once their requests end.
   *
   * @param tls this station's new certificate and key
   */
  useTls(tls: { cert: string; key: string }): void {
    this.#tls = tls;
    this.close();
  }

  /** Closes every kept-alive connection. */
  close(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }

  #agent(target: PeerTarget): PinnedAgent {
    const pins = target.previousCert === undefined ? [target.cert] : [target.cert, target.previousCert];
    const key = `${target.station} ${pins.join(" ")}`;
    let agent = this.#agents.get(key);
    if (agent === undefined) {
      agent = new PinnedAgent(pins, this.#tls);
      this.#agents.set(key, agent);
    }
    return agent;
  }

  /**
   * @param target the peer
   * @param method GET or POST
   * @param path path and query
   * @param body for POST: a value to send as JSON, or JSON already serialised
   * @param limits the whole exchange's deadline (default: the client's timeout) and the answer's
   *   largest size (default 1 MiB)
   * @returns the parsed JSON answer
   */
  call(
    target: PeerTarget,
    method: "GET" | "POST",
    path: string,
    body?: unknown,
    limits: CallLimits = {},
  ): Promise<unknown> {
    const url = new URL(path, target.url);
    const payload =
      body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const timeoutMs = limits.timeoutMs ?? this.#timeoutMs;
    const maxBytes = limits.maxBytes ?? MAX_ANSWER_BYTES;
    const started = performance.now();
    // One deadline for the whole exchange, not an idle timer: a peer that trickles its answer a
    // byte at a time fails as surely as one that says nothing. Bytes moved earn time at the least
    // rate, so a large exchange over a slow link is not cut off.
    let allowedMs = timeoutMs + (payload?.length ?? 0) * this.#msPerByte;
    let deadline: NodeJS.Timeout | undefined;
    // A kept-alive connection the peer closes as this request reuses it (its idle timeout and the
    // request crossed; on a loaded machine the client frees a socket late) resets before anything
    // of the request was read: sent again on another connection, within the same deadline, as often
    // as the agent keeps connections at most. Every peer request but an invite's use may go twice.
    let resends = limits.once === true ? 0 : MAX_SOCKETS_PER_PEER;
    return new Promise((resolve, reject) => {
      let settled = false;
      let req: ClientRequest;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        outcome();
      };
      const fail = (error: Error) => {
        settle(() => reject(error));
        req.destroy();
      };
      const arm = () => {
        clearTimeout(deadline);
        deadline = setTimeout(
          () => fail(unreachable(target, new Error(`no complete answer within ${Math.round(allowedMs)} ms`))),
          Math.max(0, started + allowedMs - performance.now()),
        );
      };
      const send = () => {
        let answered = false;
        req = request(
          url,
          {
            method,
            agent: this.#agent(target),
            headers: {
              accept: "application/json",
              ...(payload === undefined
                ? {}
                : { "content-type": "application/json", "content-length": payload.length }),
            },
          },
          (res) => {
            answered = true;
            const declared = Number(res.headers["content-length"] ?? 0);
            if (declared > maxBytes) {
              fail(tooLarge(target, maxBytes));
              return;
            }
            const chunks: Buffer[] = [];
            let size = 0;
            res.on("data", (chunk: Buffer) => {
              size += chunk.length;
              if (size > maxBytes) {
                fail(tooLarge(target, maxBytes));
                return;
              }
              chunks.push(chunk);
              allowedMs += chunk.length * this.#msPerByte;
              arm();
            });
            res.on("error", (error) => fail(unreachable(target, error)));
            res.on("aborted", () => fail(unreachable(target, new Error("the answer was cut off"))));
            res.on("end", () => {
              let parsed: unknown;
              try {
                parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
              } catch (cause) {
                fail(
                  new HotlineError("PEER_UNREACHABLE", `Cannot read the answer of ${target.url}: not JSON`, {
                    cause,
                  }),
                );
                return;
              }
              const status = res.statusCode ?? 0;
              if (status >= 200 && status < 300) {
                settle(() => resolve(parsed));
                return;
              }
              const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
              settle(() =>
                reject(
                  new PeerRejection(
                    error?.code ?? `HTTP_${status}`,
                    error?.message ?? "no reason given",
                    status,
                    (parsed as { statement?: unknown } | null)?.statement,
                  ),
                ),
              );
            });
          },
        );
        req.on("error", (error) => {
          if (!settled && !answered && req.reusedSocket && resends > 0 && closedUnderIt(error)) {
            resends--;
            send();
            return;
          }
          fail(error instanceof HotlineError ? error : unreachable(target, error));
        });
        req.end(payload);
      };
      arm();
      send();
    });
  }
}

/** @returns whether a request failed because its connection was closed under it (reset, or closed unanswered) */
function closedUnderIt(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ECONNRESET" || code === "EPIPE";
}

function tooLarge(target: PeerTarget, maxBytes: number): HotlineError {
  return new HotlineError(
    "TOO_LARGE",
    `Cannot read the answer of ${target.url}: it is larger than ${maxBytes} bytes`,
  );
}

function unreachable(target: PeerTarget, cause: Error): HotlineError {
  return new HotlineError("PEER_UNREACHABLE", `Cannot reach ${target.url}: ${cause.message}`, { cause });
}
