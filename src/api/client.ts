import { existsSync, readFileSync } from "node:fs";
import { request as httpRequest, type Agent as HttpAgent } from "node:http";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { PinnedAgent } from "../peer/mod.js";
import { HotlineError, type ErrorCode } from "../record/mod.js";
import type { StationPaths } from "../station/mod.js";
import { typedCall, type Call } from "./call.js";

/** What a running station writes in its data directory, so the CLI can find its API. */
export interface LockInfo {
  pid: number;
  /** the operator API's address as configured, HOST:PORT */
  api: string;
  /** the URL a client on this host reaches the API at; absent in locks written before HTTPS */
  url?: string;
  /** over HTTPS, the fingerprint of the API's certificate, which the client pins */
  pin?: string;
  startedAt: string;
}

/** The longest the CLI waits for the API's answer. */
const TIMEOUT_MS = 30_000;

/** @returns the lock file and the token files (API, metrics) of a data directory */
export function runtimeFiles(paths: StationPaths): { lock: string; token: string; metricsToken: string } {
  return {
    lock: join(paths.dir, "station.lock"),
    token: join(paths.dir, "api.token"),
    metricsToken: join(paths.dir, "metrics.token"),
  };
}

/**
 * Finds the station running on a data directory, if any.
 *
 * @param paths the station's files
 * @param operator the operator the client acts for
 * @returns a client for its operator API, or null when it is not running
 */
export function runningStation(paths: StationPaths, operator?: string): ApiClient | null {
  const files = runtimeFiles(paths);
  if (!existsSync(files.lock) || !existsSync(files.token)) return null;
  let lock: LockInfo;
  try {
    lock = JSON.parse(readFileSync(files.lock, "utf8")) as LockInfo;
    process.kill(lock.pid, 0);
  } catch {
    return null; // a stale lock: the process is gone
  }
  const token = readFileSync(files.token, "utf8").trim();
  const base = lock.url ?? `http://${lock.api}`;
  if (!base.startsWith("https:")) return new ApiClient(base, token, operator);
  if (lock.pin === undefined) {
    throw new HotlineError(
      "STATION_RUNNING",
      `Cannot talk to the running station at ${base}: its lock names no certificate to pin`,
    );
  }
  // The agent needs a client certificate to offer; the API asks for none, so none is sent.
  const tls = { cert: readFileSync(paths.tlsCert, "utf8"), key: readFileSync(paths.tlsKey, "utf8") };
  return new ApiClient(base, token, operator, {
    agent: new PinnedAgent(lock.pin, tls, { keepAlive: false }),
  });
}

/**
 * The operator API over HTTP or HTTPS, as the CLI uses it: {@link ApiClient.call} names a route
 * of the contract and is typed by it. Over HTTPS the agent pins the API's
 * certificate, so the token goes to no one else. Errors come back as HotlineErrors with the API's
 * code.
 */
export class ApiClient {
  readonly #base: string;
  readonly #token: string;
  readonly #operator: string | undefined;
  readonly #agent: HttpAgent | undefined;

  /**
   * @param base the API's URL, e.g. http://127.0.0.1:7080
   * @param token the station's API token
   * @param operator the operator to act for (default: the API's, admin)
   * @param options agent: for HTTPS, one that pins the API's certificate
   */
  constructor(base: string, token: string, operator?: string, options: { agent?: HttpAgent } = {}) {
    this.#base = base;
    this.#token = token;
    this.#operator = operator;
    this.#agent = options.agent;
  }

  /**
   * Calls a route of the operator API by its name in the contract, e.g.
   * `call("GET /api/lines/:line/log", { params: { line } })`: the argument and the answer are typed
   * by the route's schemas.
   */
  readonly call: Call = typedCall((request) => this.#call(request.method, request.path, request.body));

  async #call(method: string, path: string, body?: unknown): Promise<unknown> {
    let response: { status: number; text: string };
    try {
      response = await this.#send(method, path, body);
    } catch (cause) {
      if (cause instanceof HotlineError) throw cause; // the pin did not match
      throw new HotlineError(
        "STATION_RUNNING",
        `Cannot reach the running station at ${this.#base}: ${(cause as Error).message}`,
        { cause },
      );
    }
    let answer: { error?: { code: ErrorCode; message: string } };
    try {
      answer = JSON.parse(response.text) as typeof answer;
    } catch (cause) {
      throw new HotlineError(
        "INTERNAL",
        `Cannot read the running station's answer: HTTP ${response.status}, not JSON`,
        { cause },
      );
    }
    if (response.status < 200 || response.status >= 300) {
      throw new HotlineError(
        answer.error?.code ?? "INTERNAL",
        answer.error?.message ?? `HTTP ${response.status}`,
      );
    }
    return answer;
  }

  #send(method: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
    const url = new URL(path, this.#base);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          ...(this.#agent === undefined ? {} : { agent: this.#agent }),
          timeout: TIMEOUT_MS,
          headers: {
            authorization: `Bearer ${this.#token}`,
            ...(this.#operator === undefined ? {} : { "x-hotline-operator": this.#operator }),
            ...(payload === undefined
              ? {}
              : { "content-type": "application/json", "content-length": payload.length }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
          );
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
      req.on("error", reject);
      req.end(payload);
    });
  }
}
