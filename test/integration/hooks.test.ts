import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotline, hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
import {
  freePort,
  initStation,
  pairOnLine,
  isRunning,
  startStation,
  stopStation,
  waitFor,
  type TestStation,
} from "../helpers/stations.js";

interface Hook {
  id: number;
  severity: string;
  command: string[] | null;
  webhook: string | null;
  createdBy: string;
}
interface Alarm {
  id: number;
  code: string;
  severity: string;
  line: string | null;
  peer: string | null;
  escalation: number;
  audience: string | null;
}
interface Notice {
  event: string;
  station: { id: string; name: string };
  lineName: string | null;
  alarm: Alarm;
}
interface Received {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  notice: Notice;
}

/** A webhook receiver on loopback: /ok answers 204, /fail answers 500; it keeps every request. */
async function webhookReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      received.push({
        path: request.url ?? "",
        method: request.method ?? "",
        headers: request.headers,
        notice: JSON.parse(body) as Notice,
      });
      response.statusCode = request.url?.startsWith("/fail") ? 500 : 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe("alarm hooks: a command and webhooks reach people outside the console", () => {
  let tmp: TempDir;
  let washington: TestStation;
  let moscow: TestStation;
  let line: string;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  let commandOut: string;

  const healthOf = async (): Promise<string | undefined> =>
    (
      await hotlineJson<{ lines: { id: string; participants: { id: string; health: string }[] }[] }>([
        "status",
        "--dir",
        washington.dir,
      ])
    ).lines
      .find((l) => l.id === line)
      ?.participants.find((p) => p.id === moscow.id)?.health;
  const addHook = async (args: readonly string[]): Promise<Hook> => {
    // --json before `--`: everything after it is the hook's command
    const added = await hotline(["hook", "add", "--dir", washington.dir, "--json", ...args]);
    expect(added.stderr).toBe("");
    return JSON.parse(added.stdout) as Hook;
  };
  const commandRuns = (): Notice[] =>
    existsSync(commandOut)
      ? readFileSync(commandOut, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as Notice)
      : [];

  beforeAll(async () => {
    tmp = tempDir();
    commandOut = tmp.join("command-hook.jsonl");
    receiver = await webhookReceiver();
    [washington, moscow] = await Promise.all([
      initStation(tmp.join("washington"), "Washington"),
      initStation(tmp.join("moscow"), "Moscow"),
    ]);
    // Moscow in its own process: a test kills it with -9.
    await Promise.all([startStation(washington), startStation(moscow, { process: true })]);
    line = (await pairOnLine(washington, [moscow])).line;
    await hotlineJson(["line", "set", "--line", line, "--test-interval", "1", "--dir", washington.dir]);
    await waitFor(async () => (await healthOf()) === "up", { what: "Washington to see Moscow up" });
  });

  afterAll(async () => {
    await Promise.all([stopStation(washington), stopStation(moscow)]);
    await new Promise((resolve) => receiver.server.close(resolve));
    tmp.remove();
  });

  it("refuses bad hooks with BAD_INPUT, an unknown one with UNKNOWN_HOOK, and officers with FORBIDDEN", async () => {
    const add = (...args: string[]) =>
      hotline(["hook", "add", "--severity", "critical", "--dir", washington.dir, ...args]);
    const [badUrl, neither, both, unknown] = await Promise.all([
      add("--webhook", "ftp://example.org/x"),
      add(),
      add("--webhook", `${receiver.url}/ok`, "--", "/bin/true"),
      hotline(["hook", "remove", "999", "--dir", washington.dir]),
      hotlineJson(["operator", "add", "kim", "--role", "officer", "--dir", washington.dir]),
    ]);
    expect(badUrl.stderr).toBe(
      "error BAD_INPUT: Cannot add the hook: webhook: must be an http:// or https:// URL\n",
    );
    expect(neither.stderr).toMatch(/^error BAD_INPUT: Cannot add the hook: it needs a command or a webhook/);
    expect(both.stderr).toMatch(/^error BAD_INPUT: .*not both/);
    expect(unknown.stderr).toMatch(/^error UNKNOWN_HOOK: Cannot remove hook 999: there is no such hook/);
    expect([badUrl.code, neither.code, both.code, unknown.code]).toEqual([1, 1, 1, 1]);

    const officer = await add("--webhook", `${receiver.url}/ok`, "--as", "kim");
    expect(officer.code).toBe(1);
    expect(officer.stderr).toMatch(
      /^error FORBIDDEN: Cannot manage alarm hooks: operator 'kim' is an officer/,
    );
    expect(await hotlineJson(["hook", "list", "--dir", washington.dir])).toEqual([]);
  });

  it("kill -9 of Moscow: the critical LINK_DOWN reaches the webhook and the command; the LINK_UP note (info) only the info hooks; failing hooks crash nothing", async () => {
    const script = `let t="";process.stdin.on("data",d=>t+=d).on("end",()=>require("fs").appendFileSync(${JSON.stringify(commandOut)},JSON.stringify({...JSON.parse(t),env:process.env.HOTLINE_ALARM_CODE+" "+process.env.HOTLINE_ALARM_SEVERITY})+"\\n"))`;
    const [okHook, commandHook, failHook, closedHook] = await Promise.all([
      addHook(["--severity", "critical", "--webhook", `${receiver.url}/ok?via=hotline`]),
      addHook(["--severity", "critical", "--", process.execPath, "-e", script]),
      // These two fail every time (an answer 500, a closed port), and fire for info alarms too.
      addHook(["--severity", "info", "--webhook", `${receiver.url}/fail?token=s3cr3t`]),
      freePort().then((port) =>
        addHook(["--severity", "info", "--webhook", `http://127.0.0.1:${port}/closed`]),
      ),
    ]);
    expect(okHook).toMatchObject({ severity: "critical", command: null, createdBy: "admin" });
    expect(commandHook.command).toEqual([process.execPath, "-e", script]);
    const listed = await hotline(["hook", "list", "--dir", washington.dir]);
    expect(listed.stdout).toContain(`#${okHook.id}  critical alarms: POST to ${receiver.url}/ok?via=hotline`);
    expect(listed.stdout).toContain(`#${failHook.id}  info alarms and above: POST to`);

    await stopStation(moscow, "SIGKILL");
    await waitFor(() => receiver.received.some((r) => r.path.startsWith("/ok")), {
      what: "the webhook to receive LINK_DOWN",
      timeoutMs: 60_000,
    });
    const down = receiver.received.find((r) => r.path.startsWith("/ok"));
    expect(down?.method).toBe("POST");
    expect(down?.headers["content-type"]).toBe("application/json");
    expect(down?.notice).toMatchObject({
      event: "alarm",
      station: { id: washington.id, name: "Washington" },
      lineName: "moscow-washington",
      alarm: { code: "LINK_DOWN", severity: "critical", line, peer: moscow.id, escalation: 0 },
    });
    const stored = (await hotlineJson<Alarm[]>(["alarms", "--dir", washington.dir])).find(
      (a) => a.code === "LINK_DOWN",
    );
    expect(down?.notice.alarm).toEqual(stored);
    await waitFor(() => commandRuns().length > 0, { what: "the command hook to run" });
    expect(commandRuns()).toEqual([{ ...down?.notice, env: "LINK_DOWN critical" }]);

    // Moscow back: LINK_UP is an info note; the failing info hooks get it, the critical hooks do not.
    await startStation(moscow);
    await waitFor(async () => (await healthOf()) === "up", { what: "Moscow up again", timeoutMs: 60_000 });
    await waitFor(
      () => receiver.received.some((r) => r.path.startsWith("/fail") && r.notice.alarm.code === "LINK_UP"),
      { what: "the info webhook to receive LINK_UP" },
    );
    const codesAt = (path: string) =>
      receiver.received.filter((r) => r.path.startsWith(path)).map((r) => r.notice.alarm.code);
    expect(codesAt("/ok")).toEqual(["LINK_DOWN"]);
    expect(commandRuns()).toHaveLength(1);
    // A failed webhook is tried three times (two retries): LINK_DOWN's attempts are all in by now.
    await waitFor(() => codesAt("/fail").filter((c) => c === "LINK_DOWN").length === 3, {
      what: "two retries of the failing webhook",
      timeoutMs: 60_000,
    });

    // The station lived through the failing hooks: it answers, its alarms are intact, and its log
    // names the failures by hook id without the webhook's query.
    const alarms = await hotlineJson<Alarm[]>(["alarms", "--all", "--dir", washington.dir]);
    expect(alarms.map((a) => a.code)).toEqual(expect.arrayContaining(["LINK_DOWN", "LINK_UP"]));
    expect(isRunning(washington)).toBe(true);
    expect(washington.output).toMatch(/alarm hook webhook failed/);
    expect(washington.output).toMatch(new RegExp(`"hook":${failHook.id},.*answered HTTP 500`));
    expect(washington.output).toMatch(new RegExp(`"hook":${closedHook.id},.*fetch failed`));
    expect(washington.output).not.toMatch(/s3cr3t/);

    const removed = await hotlineJson<Hook>(["hook", "remove", String(okHook.id), "--dir", washington.dir]);
    expect(removed.id).toBe(okHook.id);
    const left = await hotlineJson<Hook[]>(["hook", "list", "--dir", washington.dir]);
    expect(left.map((h) => h.id).sort()).toEqual([commandHook.id, failHook.id, closedHook.id].sort());
  });
});
