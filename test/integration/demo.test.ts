import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
import { waitFor } from "../helpers/stations.js";

const DEMO = resolve(import.meta.dirname, "../../dist/demo/main.js");

function runDemo(args: readonly string[]) {
  const child = spawn(process.execPath, [DEMO, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const run = { child, stdout: "", stderr: "", exit: null as Promise<number | null> | null };
  child.stdout.on("data", (d: Buffer) => (run.stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (run.stderr += d.toString()));
  run.exit = new Promise((done) => child.once("exit", (code) => done(code)));
  return run as typeof run & { exit: Promise<number | null> };
}

interface LogEntry {
  author: string;
  kind: string;
  body: { text?: string };
  receipts: Record<string, string>;
}

describe("npm run demo", () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = tempDir("hotline-demo-test-");
  });
  afterAll(() => tmp.remove());

  it("--once pairs Washington and Moscow as two processes, exchanges the 2022 messages with receipts, verifies both, keeps the data and exits 0", async () => {
    const run = runDemo(["--once", "--dir", tmp.join("once")]);
    expect(await run.exit, run.stderr).toBe(0);
    const codes = [...run.stdout.matchAll(/Safety code at \w+: +([\d ]+)/g)].map((m) => m[1]);
    expect(codes).toHaveLength(2);
    expect(codes[0]).toBe(codes[1]);
    expect(run.stdout).toMatch(/Washington: intact, 10 entries/);
    expect(run.stdout).toMatch(/Moscow: intact, 10 entries/);

    for (const station of ["washington", "moscow"]) {
      const dir = tmp.join("once", station);
      expect((await hotlineJson<{ ok: boolean }>(["verify", "--dir", dir])).ok).toBe(true);
      expect(existsSync(`${dir}/station.lock`)).toBe(false); // stopped cleanly
    }
    const atWashington = await hotlineJson<LogEntry[]>([
      "log",
      "--line",
      "moscow-washington",
      "--dir",
      tmp.join("once", "washington"),
    ]);
    const texts = atWashington.filter((e) => e.kind === "text");
    expect(texts).toHaveLength(8);
    expect(texts.some((e) => e.body.text?.startsWith("13 May 2022. Call held"))).toBe(true);
    const washingtonId = atWashington[0]?.author as string;
    for (const e of texts.filter((t) => t.author === washingtonId)) {
      expect(Object.keys(e.receipts)).toHaveLength(1);
    }
  }, 60_000);

  it("refuses a --dir that holds the stations already, touching nothing", async () => {
    const run = runDemo(["--once", "--dir", tmp.join("once")]);
    expect(await run.exit).toBe(1);
    expect(run.stderr).toMatch(/^error STATION_EXISTS: /);
  });

  it("without --once keeps both stations running until Ctrl-C, then stops them cleanly", async () => {
    const run = runDemo(["--dir", tmp.join("live")]);
    try {
      await waitFor(() => run.stdout.includes("Ctrl-C stops them"), {
        what: "the demo to be up",
        timeoutMs: 45_000,
      });
      const status = await hotlineJson<{ running: boolean }>(["status", "--dir", tmp.join("live", "moscow")]);
      expect(status.running).toBe(true);
    } finally {
      run.child.kill("SIGINT");
    }
    expect(await run.exit).toBe(0);
    expect(existsSync(tmp.join("live", "washington", "station.lock"))).toBe(false);
    expect(existsSync(tmp.join("live", "moscow", "station.lock"))).toBe(false);
  }, 60_000);
});
