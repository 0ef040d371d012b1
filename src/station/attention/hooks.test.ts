import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HotlineError } from "../../record/mod.js";
import { HookRunner, type AlarmNotice } from "./hook-runner.js";
import { addHook, listHooks, parseHookRequest, removeHook, severityReaches } from "./hooks.js";
import { initStation } from "../core/init.js";
import { ManualClock } from "../core/manual-clock.js";
import { addOperator } from "../core/operators.js";
import { Station } from "../core/station.js";

async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (error) {
    return error instanceof HotlineError ? `${error.code}: ${error.message}` : String(error);
  }
  return "no error";
}

describe("parseHookRequest()", () => {
  it("accepts a command (argv) or a webhook, with a severity", () => {
    expect(parseHookRequest({ severity: "critical", command: ["/usr/bin/logger", "-t", "hotline"] })).toEqual(
      {
        severity: "critical",
        command: ["/usr/bin/logger", "-t", "hotline"],
      },
    );
    expect(parseHookRequest({ severity: "info", webhook: "https://example.org/hook?token=x" })).toEqual({
      severity: "info",
      webhook: "https://example.org/hook?token=x",
    });
  });

  it("refuses a webhook that is not an http(s) URL, too long, or holding credentials, with BAD_INPUT", async () => {
    const webhook = async (url: string) =>
      await codeOf(() => parseHookRequest({ severity: "warning", webhook: url }));
    expect(await webhook("ftp://example.org/x")).toBe(
      "BAD_INPUT: Cannot add the hook: webhook: must be an http:// or https:// URL",
    );
    expect(await webhook("not a url")).toMatch(/^BAD_INPUT: .*http:\/\/ or https:\/\//);
    expect(await webhook("file:///etc/passwd")).toMatch(/^BAD_INPUT: /);
    expect(await webhook(`https://example.org/${"x".repeat(500)}`)).toBe(
      "BAD_INPUT: Cannot add the hook: webhook: must be at most 500 characters",
    );
    expect(await webhook("https://user:secret@example.org/")).toMatch(/^BAD_INPUT: .*user name or password/);
  });

  it("refuses both or neither of command and webhook, with BAD_INPUT", async () => {
    expect(await codeOf(() => parseHookRequest({ severity: "critical" }))).toBe(
      "BAD_INPUT: Cannot add the hook: it needs a command or a webhook",
    );
    expect(
      await codeOf(() =>
        parseHookRequest({ severity: "critical", command: ["true"], webhook: "https://example.org/" }),
      ),
    ).toBe("BAD_INPUT: Cannot add the hook: it takes a command or a webhook, not both");
  });

  it("refuses an empty argv, an empty program or argument, too many arguments, and a NUL, with BAD_INPUT", async () => {
    const command = async (argv: unknown) =>
      await codeOf(() => parseHookRequest({ severity: "critical", command: argv }));
    expect(await command([])).toBe("BAD_INPUT: Cannot add the hook: command: must name a program");
    expect(await command([""])).toBe(
      "BAD_INPUT: Cannot add the hook: command.0: must not hold an empty program or argument",
    );
    expect(await command(["/bin/echo", ""])).toMatch(/^BAD_INPUT: .*command\.1: /);
    expect(await command(Array.from({ length: 33 }, () => "x"))).toMatch(/^BAD_INPUT: .*at most 32 items/);
    expect(await command(["/bin/echo", "a\0b"])).toMatch(/^BAD_INPUT: .*NUL/);
    expect(await command("/usr/bin/logger -t hotline")).toMatch(/^BAD_INPUT: .*command: /);
  });

  it("refuses an unknown severity and unknown fields, with BAD_INPUT", async () => {
    expect(await codeOf(() => parseHookRequest({ severity: "fatal", command: ["true"] }))).toMatch(
      /^BAD_INPUT: .*severity: /,
    );
    expect(
      await codeOf(() => parseHookRequest({ severity: "info", command: ["true"], shell: true })),
    ).toMatch(/^BAD_INPUT: /);
    expect(await codeOf(() => parseHookRequest(undefined))).toMatch(/^BAD_INPUT: /);
  });

  it("severityReaches() orders info < warning < critical", () => {
    expect(severityReaches("critical", "warning")).toBe(true);
    expect(severityReaches("warning", "warning")).toBe(true);
    expect(severityReaches("info", "warning")).toBe(false);
    expect(severityReaches("info", "info")).toBe(true);
  });
});

interface Logged {
  level: "info" | "warn";
  obj: object;
  msg: string;
}

describe("hooks on a station", () => {
  const roots: string[] = [];
  const open: Station[] = [];
  const runners: HookRunner[] = [];
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    for (const s of open.splice(0)) await s.close();
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  /** A station on a manual clock: the hooks' timeouts and retries fire when the test moves it. */
  async function station(): Promise<{ station: Station; root: string; clock: ManualClock }> {
    const root = mkdtempSync(join(tmpdir(), "hotline-hooks-"));
    roots.push(root);
    await initStation({ dir: join(root, "w"), name: "Washington", listen: "127.0.0.1:17101" });
    const clock = new ManualClock({ start: "2026-11-23T06:00:00.000Z" });
    const s = await Station.open({ dir: join(root, "w"), clock });
    open.push(s);
    return { station: s, root, clock };
  }

  /** A fetch that answers each call with the next status (or fails with the next error), and keeps what it was sent. */
  function fakeFetch(statuses: (number | Error)[]) {
    const calls: { url: string; method: string; contentType: string | null; body: string }[] = [];
    const fn: typeof fetch = (url, init) => {
      calls.push({
        url: url instanceof Request ? url.url : url.toString(),
        method: init?.method ?? "GET",
        contentType: new Headers(init?.headers).get("content-type"),
        body: typeof init?.body === "string" ? init.body : "",
      });
      const next = statuses.shift() ?? 200;
      return next instanceof Error
        ? Promise.reject(next)
        : Promise.resolve(new Response("", { status: next }));
    };
    return { calls, fetch: fn };
  }

  function runner(s: Station, options: ConstructorParameters<typeof HookRunner>[1] = {}) {
    const logs: Logged[] = [];
    const r = new HookRunner(s, {
      logger: {
        info: (obj, msg) => logs.push({ level: "info", obj, msg }),
        warn: (obj, msg) => logs.push({ level: "warn", obj, msg }),
      },
      ...options,
    });
    runners.push(r);
    r.start();
    return { runner: r, logs };
  }

  const linkDown = { code: "LINK_DOWN", severity: "critical", line: null, peer: "p", entry: null } as const;

  it("addHook(), listHooks(), removeHook(): admins only; an unknown hook is UNKNOWN_HOOK", async () => {
    const { station: s } = await station();
    const hook = await addHook(s, { severity: "warning", command: ["/bin/true"] }, { by: "admin" });
    expect(hook).toMatchObject({ id: 1, severity: "warning", command: ["/bin/true"], webhook: null });
    expect(await listHooks(s, { by: "admin" })).toEqual([hook]);
    await addOperator(s, { name: "kim", role: "officer", by: "admin" });
    expect(
      await codeOf(async () => await addHook(s, { severity: "info", command: ["x"] }, { by: "kim" })),
    ).toMatch(/^FORBIDDEN: Cannot manage alarm hooks: operator 'kim' is an officer; it takes an admin/);
    expect(await codeOf(async () => await listHooks(s, { by: "kim" }))).toMatch(/^FORBIDDEN: /);
    expect(await removeHook(s, hook.id, { by: "admin" })).toEqual(hook);
    expect(await codeOf(async () => await removeHook(s, hook.id, { by: "admin" }))).toBe(
      "UNKNOWN_HOOK: Cannot remove hook 1: there is no such hook (see 'hotline hook list')",
    );
    expect(await listHooks(s, { by: "admin" })).toEqual([]);
  });

  it("HookRunner POSTs the alarm as JSON to webhooks whose severity it reaches, again when it is emitted again (escalated)", async () => {
    const { station: s } = await station();
    await addHook(s, { severity: "critical", webhook: "http://127.0.0.1:9/critical" }, { by: "admin" });
    await addHook(s, { severity: "info", webhook: "http://127.0.0.1:9/all" }, { by: "admin" });
    const web = fakeFetch([]);
    const { runner: r } = runner(s, { fetch: web.fetch });

    await s.raiseAlarm({ ...linkDown, code: "LINK_UP", severity: "info", detail: "back" });
    const id = await s.raiseAlarm({ ...linkDown, detail: "Moscow down" });
    await r.idle();
    expect(web.calls.map((c) => c.url).sort()).toEqual([
      "http://127.0.0.1:9/all",
      "http://127.0.0.1:9/all",
      "http://127.0.0.1:9/critical",
    ]);
    const critical = web.calls.find((c) => c.url.endsWith("/critical"));
    expect(critical?.method).toBe("POST");
    expect(critical?.contentType).toBe("application/json");
    const notice = JSON.parse(critical?.body ?? "") as AlarmNotice;
    expect(notice).toEqual({
      event: "alarm",
      station: { id: s.id, name: "Washington" },
      lineName: null,
      alarm: await s.store.alarm(id),
    });

    // An escalation emits "alarm" again: each hook is called again with the row as it is then
    // (an acknowledgement stands in here for the escalation's change of the row).
    web.calls.length = 0;
    await s.store.ackAlarm(id, "admin", new Date().toISOString());
    s.events.emit("alarm", id);
    await r.idle();
    const again = web.calls.map((c) => (JSON.parse(c.body) as AlarmNotice).alarm);
    expect(again).toHaveLength(2);
    expect(again[0]).toMatchObject({ id, ackedBy: "admin" });
  });

  it("HookRunner retries a failing webhook twice, 1 s then 3 s later, then gives up; logs never hold the URL's path or query", async () => {
    const { station: s, clock } = await station();
    await addHook(
      s,
      { severity: "info", webhook: "https://hooks.example.org/T0/B0/s3cr3t?token=s3cr3t" },
      { by: "admin" },
    );
    const web = fakeFetch([
      500,
      new TypeError("Failed to parse URL from https://hooks.example.org/T0/B0/s3cr3t?token=s3cr3t"),
      503,
      200,
    ]);
    const { runner: r, logs } = runner(s, { fetch: web.fetch });
    await s.raiseAlarm({ ...linkDown, detail: "x" });
    await waitFor(() => logs.length === 1);
    await clock.advance(999);
    expect(web.calls).toHaveLength(1);
    await clock.advance(1);
    await waitFor(() => logs.length === 2);
    await clock.advance(2_999);
    expect(web.calls).toHaveLength(2);
    await clock.advance(1);
    await r.idle();
    expect(web.calls).toHaveLength(3);
    expect(logs.map((l) => `${l.level} ${l.msg}`)).toEqual([
      "warn alarm hook webhook failed",
      "warn alarm hook webhook failed",
      "warn alarm hook webhook failed: given up",
    ]);
    expect(logs[0]?.obj).toMatchObject({ hook: 1, attempt: 1, error: "answered HTTP 500", retryInMs: 1_000 });
    expect(JSON.stringify(logs)).not.toMatch(/s3cr3t|token/);

    await s.raiseAlarm({ ...linkDown, peer: "q", detail: "y" }); // another cause: a repeat would call nothing
    await r.idle();
    expect(logs.at(-1)).toMatchObject({ level: "info", msg: "alarm hook webhook called" });
  });

  it("HookRunner gives a webhook that does not answer 5 s by the station's clock, then retries it", async () => {
    const { station: s, clock } = await station();
    await addHook(s, { severity: "info", webhook: "http://127.0.0.1:9/hook" }, { by: "admin" });
    let calls = 0;
    const silent: typeof fetch = (_url, init) => {
      calls++;
      return new Promise((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason as Error));
      });
    };
    const { runner: r, logs } = runner(s, { fetch: silent });
    await s.raiseAlarm({ ...linkDown, detail: "x" });
    await clock.advance(4_999);
    expect(logs).toEqual([]);
    await clock.advance(1);
    await waitFor(() => logs.length === 1);
    expect(logs[0]).toMatchObject({
      level: "warn",
      msg: "alarm hook webhook failed",
      obj: { attempt: 1, error: "no answer within 5000 ms", retryInMs: 1_000 },
    });
    await clock.advance(1_000);
    expect(calls).toBe(2);
    // Stopping cuts off the webhook still waiting, after stop()'s own wait (2 s, by the clock too).
    const stopping = r.stop();
    await clock.advance(2_000);
    await stopping;
    await r.idle();
  });

  it("HookRunner runs a command without a shell: the alarm as JSON on stdin, its id, code and severity in the environment", async () => {
    const { station: s, root } = await station();
    const out = join(root, "out.json");
    const script = `let t="";process.stdin.on("data",d=>t+=d).on("end",()=>require("fs").writeFileSync(${JSON.stringify(out)},JSON.stringify({stdin:JSON.parse(t),env:[process.env.HOTLINE_ALARM_ID,process.env.HOTLINE_ALARM_CODE,process.env.HOTLINE_ALARM_SEVERITY],arg:process.argv[1]})))`;
    await addHook(
      s,
      { severity: "warning", command: [process.execPath, "-e", script, "$HOME; echo"] },
      { by: "admin" },
    );
    const { runner: r, logs } = runner(s);
    const id = await s.raiseAlarm({ ...linkDown, detail: "Moscow down" });
    await r.idle();
    const seen = JSON.parse(readFileSync(out, "utf8")) as { stdin: AlarmNotice; env: string[]; arg: string };
    expect(seen.stdin.alarm).toEqual(await s.store.alarm(id));
    expect(seen.env).toEqual([String(id), "LINK_DOWN", "critical"]);
    expect(seen.arg).toBe("$HOME; echo");
    expect(logs).toMatchObject([{ level: "info", msg: "alarm hook command ran" }]);
  });

  it("HookRunner logs a command that fails, cannot start, or runs too long (killed at 10 s), and never throws", async () => {
    const { station: s, clock } = await station();
    await addHook(
      s,
      { severity: "info", command: [process.execPath, "-e", "process.exit(3)"] },
      { by: "admin" },
    );
    await addHook(s, { severity: "info", command: ["/nonexistent/hook"] }, { by: "admin" });
    await addHook(
      s,
      { severity: "info", command: [process.execPath, "-e", "setTimeout(() => {}, 60000)"] },
      { by: "admin" },
    );
    const { runner: r, logs } = runner(s);
    await s.raiseAlarm({ ...linkDown, severity: "info", detail: "x" });
    // The two that end by themselves do; the third runs until its time is up, to the millisecond.
    await waitFor(() => logs.length === 2);
    await clock.advance(9_999);
    expect(logs).toHaveLength(2);
    await clock.advance(1);
    await r.idle();
    const errors = Object.fromEntries(logs.map((l) => [(l.obj as { hook: number }).hook, l]));
    expect(errors[1]).toMatchObject({ level: "warn", obj: { error: "exited with code 3" } });
    expect(errors[2]).toMatchObject({
      level: "warn",
      obj: { error: expect.stringMatching(/ENOENT/) as string },
    });
    expect(errors[3]).toMatchObject({ level: "warn", obj: { error: "killed after 10000 ms" } });
  });

  it("HookRunner.stop() waits a bounded time (2 s) for hooks still running, then ends them", async () => {
    const { station: s, clock } = await station();
    await addHook(
      s,
      { severity: "info", command: [process.execPath, "-e", "setTimeout(() => {}, 60000)"] },
      { by: "admin" },
    );
    const { runner: r, logs } = runner(s);
    await s.raiseAlarm({ ...linkDown, detail: "x" });
    await clock.advance(0); // the command starts
    let stopped = false;
    const stopping = r.stop().then(() => (stopped = true));
    await clock.advance(1_999);
    expect(stopped).toBe(false);
    await clock.advance(1);
    await stopping;
    await r.idle();
    expect(logs.map((l) => l.msg)).toContain("alarm hooks still running at stop: ended");
    // stopped: later alarms run nothing
    const before = logs.length;
    await s.raiseAlarm({ ...linkDown, peer: "q", detail: "y" });
    await r.idle();
    expect(logs).toHaveLength(before);
  });
});

/** Waits until a condition holds (a generous bound: a loaded machine is slow, not wrong). */
async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error("the condition did not come true in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
