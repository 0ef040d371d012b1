import { spawn, type ChildProcess } from "node:child_process";
import type { AlarmRow, HookRow } from "../../store/mod.js";
import { severityReaches } from "./hooks.js";
import type { Clock, Timer } from "../core/mod.js";
import type { PartLogger } from "../core/mod.js";
import type { Station } from "../core/mod.js";

/** What a hook is given: a command on its standard input, a webhook as its JSON body. */
export interface AlarmNotice {
  event: "alarm";
  station: { id: string; name: string };
  /** the name of the alarm's line, or null when the alarm is about no line */
  lineName: string | null;
  /** the alarm as it is when raised or escalated (with its `escalation` count and `audience`) */
  alarm: AlarmRow;
}

export interface HookRunnerOptions {
  logger?: PartLogger | undefined;
  /** how long a command may run before it (and what it started) is killed (default 10 s) */
  commandTimeoutMs?: number | undefined;
  /** how long a webhook may take to answer (default 5 s) */
  webhookTimeoutMs?: number | undefined;
  /** the waits before each retry of a failed webhook (default 1 s, then 3 s: two retries) */
  retryDelaysMs?: readonly number[] | undefined;
  /** how long `stop()` waits for hooks still running (default 2 s) */
  stopWaitMs?: number | undefined;
  /** most hooks running at once; beyond, a hook is skipped and logged (default 32) */
  maxRunning?: number | undefined;
  /** what POSTs a webhook (default the global fetch) */
  fetch?: typeof fetch | undefined;
}

/** The most of a failing command's standard error kept for the log. */
const STDERR_TAIL = 500;

/**
 * Runs the alarm hooks while the station runs: on every alarm raised, reopened or escalated (not on
 * a repeat of an open alarm's cause, which only counts on it), each hook whose
 * least severity the alarm reaches is run — a command without a shell (the alarm as JSON on its
 * standard input, and `HOTLINE_ALARM_ID`, `HOTLINE_ALARM_CODE`, `HOTLINE_ALARM_SEVERITY` in its
 * environment), or a webhook POSTed the same JSON, retried twice. Hooks run beside the station and
 * never hold it up; a failing hook is logged (by its id: a webhook's URL may hold a secret), never
 * thrown.
 */
export class HookRunner {
  readonly #station: Station;
  readonly #logger: PartLogger;
  readonly #commandTimeoutMs: number;
  readonly #webhookTimeoutMs: number;
  readonly #retryDelaysMs: readonly number[];
  readonly #stopWaitMs: number;
  readonly #maxRunning: number;
  readonly #fetch: typeof fetch;
  readonly #running = new Set<Promise<void>>();
  /** alarms being read, before their hooks run */
  readonly #reading = new Set<Promise<void>>();
  readonly #children = new Set<ChildProcess>();
  /** aborted at stop: no more retries */
  readonly #stopping = new AbortController();
  /** aborted when stop has waited long enough: webhooks still waiting are cut off */
  readonly #abandon = new AbortController();

  /**
   * @param station the station whose alarms are watched
   * @param options logger, timeouts, retries, fetch (see {@link HookRunnerOptions} for defaults)
   */
  constructor(station: Station, options: HookRunnerOptions = {}) {
    this.#station = station;
    this.#logger = options.logger ?? station.logger.child({ part: "hooks" });
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 10_000;
    this.#webhookTimeoutMs = options.webhookTimeoutMs ?? 5_000;
    this.#retryDelaysMs = options.retryDelaysMs ?? [1_000, 3_000];
    this.#stopWaitMs = options.stopWaitMs ?? 2_000;
    this.#maxRunning = options.maxRunning ?? 32;
    this.#fetch = options.fetch ?? fetch;
  }

  start(): void {
    this.#station.events.on("alarm", this.#hear);
  }

  /** Stops taking alarms and waits, at most `stopWaitMs`, for hooks still running; then kills them. */
  async stop(): Promise<void> {
    this.#station.events.off("alarm", this.#hear);
    this.#stopping.abort();
    if (this.#running.size === 0) return;
    const clock = this.#station.clock;
    let timer: Timer | undefined;
    const finished = await Promise.race([
      Promise.allSettled([...this.#running]).then(() => true),
      new Promise<boolean>((resolve) => (timer = clock.setTimeout(() => resolve(false), this.#stopWaitMs))),
    ]);
    clock.clearTimer(timer);
    if (finished) return;
    this.#logger.warn(
      { event: "hook.ended-at-stop", running: this.#running.size },
      "alarm hooks still running at stop: ended",
    );
    this.#abandon.abort();
    for (const child of this.#children) killGroup(child);
  }

  /** @returns once every hook started so far has finished (for tests) */
  async idle(): Promise<void> {
    while (this.#running.size > 0 || this.#reading.size > 0) {
      await Promise.allSettled([...this.#reading, ...this.#running]);
    }
  }

  // Called inside `raiseAlarm`: reads the alarm as it is now, starts the hooks later, never throws.
  // A repeat (the same cause again, counted on the open alarm) runs nothing: people outside hear
  // of an alarm when it is raised, reopened or escalated, not once per event a peer can repeat.
  readonly #hear = (id: number, repeat?: boolean): void => {
    const task = this.#onAlarm(id, repeat).finally(() => this.#reading.delete(task));
    this.#reading.add(task);
  };

  readonly #onAlarm = async (id: number, repeat?: boolean): Promise<void> => {
    if (repeat === true) return;
    try {
      const alarm = await this.#station.store.alarm(id);
      if (alarm === null) return;
      const hooks = (await this.#station.store.hooks()).filter((h) =>
        severityReaches(alarm.severity, h.severity),
      );
      if (hooks.length === 0) return;
      const body = JSON.stringify(await this.#noticeOf(alarm));
      for (const hook of hooks) this.#start(hook, alarm, body);
    } catch (error) {
      this.#logger.warn({ event: "hook.not-run", alarm: id, error: messageOf(error) }, "alarm hooks not run");
    }
  };

  async #noticeOf(alarm: AlarmRow): Promise<AlarmNotice> {
    const line = alarm.line === null ? null : await this.#station.store.line(alarm.line);
    return {
      event: "alarm",
      station: { id: this.#station.id, name: this.#station.config.name },
      lineName: line?.name ?? null,
      alarm,
    };
  }

  #start(hook: HookRow, alarm: AlarmRow, body: string): void {
    if (this.#running.size >= this.#maxRunning) {
      this.#logger.warn(
        { event: "hook.skipped", hook: hook.id, alarm: alarm.id, running: this.#running.size },
        "alarm hook skipped: too many hooks running",
      );
      return;
    }
    const task = (async () => {
      await new Promise((resolve) => setImmediate(resolve)); // let the alarm's raiser go on first
      if (hook.command !== null) await this.#runCommand(hook.id, hook.command, alarm, body);
      else if (hook.webhook !== null) await this.#callWebhook(hook.id, hook.webhook, alarm, body);
    })()
      .catch((error: unknown) => {
        this.#logger.warn(
          { event: "hook.failed", hook: hook.id, alarm: alarm.id, error: messageOf(error) },
          "alarm hook failed",
        );
      })
      .finally(() => this.#running.delete(task));
    this.#running.add(task);
  }

  #runCommand(hookId: number, argv: readonly string[], alarm: AlarmRow, body: string): Promise<void> {
    const [program = "", ...args] = argv;
    const log = { hook: hookId, alarm: alarm.id };
    return new Promise((done) => {
      const child = spawn(program, args, {
        stdio: ["pipe", "ignore", "pipe"],
        env: {
          ...process.env,
          HOTLINE_ALARM_ID: String(alarm.id),
          HOTLINE_ALARM_CODE: alarm.code,
          HOTLINE_ALARM_SEVERITY: alarm.severity,
        },
        // its own process group, so that a timeout kills what it started too
        detached: true,
      });
      this.#children.add(child);
      let stderr = "";
      let timedOut = false;
      let finished = false;
      const clock = this.#station.clock;
      const timer = clock.setTimeout(() => {
        timedOut = true;
        killGroup(child);
      }, this.#commandTimeoutMs);
      const finish = (problem: string | null) => {
        if (finished) return;
        finished = true;
        clock.clearTimer(timer);
        this.#children.delete(child);
        if (problem === null)
          this.#logger.info({ event: "hook.command.ran", ...log }, "alarm hook command ran");
        else
          this.#logger.warn(
            { event: "hook.command.failed", ...log, error: problem, stderr: stderr.trim() },
            "alarm hook command failed",
          );
        done();
      };
      child.on("error", (error) => finish(`cannot run the command: ${error.message}`));
      child.on("exit", (code, signal) => {
        if (timedOut) finish(`killed after ${this.#commandTimeoutMs} ms`);
        else if (code === 0) finish(null);
        else finish(code === null ? `ended by ${signal}` : `exited with code ${code}`);
      });
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_TAIL);
      });
      child.stdin?.on("error", () => undefined); // a command need not read its input
      child.stdin?.end(body);
    });
  }

  async #callWebhook(hookId: number, url: string, alarm: AlarmRow, body: string): Promise<void> {
    const log = { hook: hookId, alarm: alarm.id };
    for (let attempt = 1; ; attempt++) {
      const problem = await this.#post(url, body);
      if (problem === null) {
        this.#logger.info({ event: "hook.webhook.called", ...log, attempt }, "alarm hook webhook called");
        return;
      }
      const retryInMs = this.#retryDelaysMs[attempt - 1];
      if (retryInMs === undefined || this.#stopping.signal.aborted) {
        this.#logger.warn(
          { event: "hook.webhook.given-up", ...log, attempt, error: problem },
          "alarm hook webhook failed: given up",
        );
        return;
      }
      this.#logger.warn(
        { event: "hook.webhook.failed", ...log, attempt, error: problem, retryInMs },
        "alarm hook webhook failed",
      );
      if (!(await pause(this.#station.clock, retryInMs, this.#stopping.signal))) {
        this.#logger.warn(
          { event: "hook.webhook.not-retried", ...log },
          "alarm hook webhook not retried: the station is stopping",
        );
        return;
      }
    }
  }

  /** @returns null when the webhook answered 2xx, else what went wrong, without the URL */
  async #post(url: string, body: string): Promise<string | null> {
    // The webhook's deadline is a timer of the station's clock (AbortSignal.timeout would be the system's).
    const clock = this.#station.clock;
    const timeout = new AbortController();
    const timer = clock.setTimeout(
      () => timeout.abort(new DOMException("The webhook took too long", "TimeoutError")),
      this.#webhookTimeoutMs,
    );
    try {
      const response = await this.#fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "hotline" },
        body,
        signal: AbortSignal.any([timeout.signal, this.#abandon.signal]),
      });
      await response.body?.cancel();
      return response.ok ? null : `answered HTTP ${response.status}`;
    } catch (error) {
      if ((error as Error).name === "TimeoutError") return `no answer within ${this.#webhookTimeoutMs} ms`;
      return withoutUrl(messageOf(error), url);
    } finally {
      clock.clearTimer(timer);
    }
  }
}

/** Kills a command and every process it started (its process group). */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL"); // the group is gone; the command itself may not be
  }
}

/** @returns true after ms (by the clock), false at once when the signal is aborted */
function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = clock.setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clock.clearTimer(timer);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

/** A webhook's path and query may hold its secret (a token): keep them out of the log. */
function withoutUrl(message: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return message.split(url).join("<webhook>");
  }
  let safe = message.split(url).join("<webhook>").split(parsed.href).join("<webhook>");
  const secretPart = `${parsed.pathname}${parsed.search}`;
  if (secretPart !== "/") safe = safe.split(secretPart).join("<path>");
  return safe;
}
