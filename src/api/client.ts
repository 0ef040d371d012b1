import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HotlineError, type ErrorCode } from "../record/mod.js";
import type { StationPaths } from "../station/mod.js";

/** What a running station writes in its data directory, so the CLI can find its API. */
export interface LockInfo {
  pid: number;
  api: string;
  startedAt: string;
}

/** @returns the lock file and token file of a data directory */
export function runtimeFiles(paths: StationPaths): { lock: string; token: string } {
  return { lock: join(paths.dir, "station.lock"), token: join(paths.dir, "api.token") };
}

/**
 * Finds the station running on a data directory, if any.
 *
 * @param paths the station's files
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
  return new ApiClient(`http://${lock.api}`, readFileSync(files.token, "utf8").trim(), operator);
}

/** The operator API over HTTP, as the CLI uses it. Errors come back as HotlineErrors with the API's code. */
export class ApiClient {
  readonly #base: string;
  readonly #token: string;
  readonly #operator: string | undefined;

  constructor(base: string, token: string, operator?: string) {
    this.#base = base;
    this.#token = token;
    this.#operator = operator;
  }

  get<T>(path: string): Promise<T> {
    return this.#call<T>("GET", path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.#call<T>("POST", path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.#call<T>("DELETE", path);
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.#base), {
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          ...(this.#operator === undefined ? {} : { "x-hotline-operator": this.#operator }),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (cause) {
      throw new HotlineError(
        "STATION_RUNNING",
        `Cannot reach the running station at ${this.#base}: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    const answer = (await response.json()) as T & { error?: { code: ErrorCode; message: string } };
    if (!response.ok) {
      throw new HotlineError(
        answer.error?.code ?? "INTERNAL",
        answer.error?.message ?? `HTTP ${response.status}`,
      );
    }
    return answer;
  }
}
