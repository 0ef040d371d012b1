import { request } from "node:https";
import { HotlineError, type HeadStatement } from "../record/mod.js";
import type { PairRequest, PairResponse, PeerTarget, PeerTransport } from "../station/mod.js";
import { PinnedAgent } from "./pinned-agent.js";

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

/** Largest answer accepted from a peer (a page of entries). */
const MAX_RESPONSE_BYTES = 48 * 1024 * 1024;

/**
 * Talks to peer stations over mutual TLS: one kept-alive, certificate-pinned agent per peer.
 * Transport failures throw HotlineError PEER_UNREACHABLE; refusals throw {@link PeerRejection}.
 */
export class PeerClient implements PeerTransport {
  readonly #tls: { cert: string; key: string };
  readonly #timeoutMs: number;
  readonly #agents = new Map<string, PinnedAgent>();

  /**
   * @param tls this station's certificate and key
   * @param options request timeout (default 5 s)
   */
  constructor(tls: { cert: string; key: string }, options: { timeoutMs?: number } = {}) {
    this.#tls = tls;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** Joiner → inviter: prove the invite, get the line's genesis. */
  pair(target: PeerTarget, body: PairRequest): Promise<PairResponse> {
    return this.call(target, "POST", "/peer/v1/pair", body) as Promise<PairResponse>;
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
    const answer = (await this.call(target, "POST", "/peer/v1/heads", { statement }, options.timeoutMs)) as {
      statement: unknown;
    };
    return answer.statement;
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
    const answer = (await this.call(target, "GET", `/peer/v1/entries?${query.toString()}`)) as {
      entries: unknown[];
    };
    return answer.entries;
  }

  /** Closes every kept-alive connection. */
  close(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }

  #agent(target: PeerTarget): PinnedAgent {
    const key = `${target.station} ${target.cert}`;
    let agent = this.#agents.get(key);
    if (agent === undefined) {
      agent = new PinnedAgent(target.cert, this.#tls);
      this.#agents.set(key, agent);
    }
    return agent;
  }

  /**
   * @param target the peer
   * @param method GET or POST
   * @param path path and query
   * @param body for POST: a value to send as JSON, or JSON already serialised
   * @param timeoutMs longest wait for the answer
   * @returns the parsed JSON answer
   */
  call(
    target: PeerTarget,
    method: "GET" | "POST",
    path: string,
    body?: unknown,
    timeoutMs = this.#timeoutMs,
  ): Promise<unknown> {
    const url = new URL(path, target.url);
    const payload =
      body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent: this.#agent(target),
          timeout: timeoutMs,
          headers: {
            accept: "application/json",
            ...(payload === undefined
              ? {}
              : { "content-type": "application/json", "content-length": payload.length }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(new HotlineError("TOO_LARGE", "Cannot read the peer's answer: it is too large"));
              return;
            }
            chunks.push(chunk);
          });
          res.on("error", (error) => reject(unreachable(target, error)));
          res.on("end", () => {
            let parsed: unknown;
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
            } catch (cause) {
              reject(
                new HotlineError("PEER_UNREACHABLE", `Cannot read the answer of ${target.url}: not JSON`, {
                  cause,
                }),
              );
              return;
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              resolve(parsed);
              return;
            }
            const error = (parsed as { error?: { code?: string; message?: string } }).error;
            reject(
              new PeerRejection(
                error?.code ?? `HTTP_${status}`,
                error?.message ?? "no reason given",
                status,
                (parsed as { statement?: unknown }).statement,
              ),
            );
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on("error", (error) => reject(error instanceof HotlineError ? error : unreachable(target, error)));
      req.end(payload);
    });
  }
}

function unreachable(target: PeerTarget, cause: Error): HotlineError {
  return new HotlineError("PEER_UNREACHABLE", `Cannot reach ${target.url}: ${cause.message}`, { cause });
}
