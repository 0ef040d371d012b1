/**
 * The demo: Washington and Moscow as two real station processes on loopback, paired with one
 * invite, exchanging a short dated exchange retold from the 2022 deconfliction line (opened
 * 1 March; the defence ministers' call of 13 May), then status and verification at both ends.
 *
 *   npm run demo                          runs until Ctrl-C, data in a fresh temporary directory
 *   npm run demo -- --once --dir DIR      keeps DIR/washington and DIR/moscow, exits 0 when done
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runningStation, type ApiClient } from "../src/api/mod.js";
import { transcriptLine } from "../src/cli/messages.js";
import {
  Station,
  freeLoopbackPort,
  initStation,
  stationPaths,
  type Accepted,
  type LogEntry,
  type StationStatus,
} from "../src/station/mod.js";

const BIN = resolve(import.meta.dirname, "../../bin/hotline.js");
const LINE = "moscow-washington";

const { values } = parseArgs({
  options: { dir: { type: "string" }, once: { type: "boolean", default: false } },
  strict: true,
});
const root = values.dir === undefined ? mkdtempSync(join(tmpdir(), "hotline-demo-")) : resolve(values.dir);
mkdirSync(root, { recursive: true });
for (const name of ["washington", "moscow"]) {
  if (existsSync(join(root, name))) {
    console.error(`error STATION_EXISTS: ${join(root, name)} exists already; give the demo an empty --dir`);
    process.exit(1);
  }
}

interface DemoStation {
  name: string;
  dir: string;
  id: string;
  process: ChildProcess;
  api: ApiClient;
}

const children: ChildProcess[] = [];
let stopping = false;
const stopAll = async () => {
  stopping = true;
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once("exit", () => done());
          child.kill("SIGTERM");
        }),
    ),
  );
};

try {
  console.log("hotline demo: the US–Russia deconfliction line of 2022, retold.\n");
  const washington = await makeStation("Washington");
  const moscow = await makeStation("Moscow");

  step("Washington opens the line and makes an invite; Moscow's operator accepts it.");
  const line = await washington.api.post<{ id: string }>("/api/lines", { name: LINE });
  const { invite } = await washington.api.post<{ invite: string }>("/api/invites", {
    line: line.id,
    expiresInSeconds: 3600,
  });
  console.log(`  invite (one use, 1 h): ${invite.slice(0, 60)}…`);
  const accepted = await moscow.api.post<Accepted>("/api/accept", { invite });
  console.log(`  Moscow joined line ${accepted.line.slice(0, 12)} with ${accepted.peer.name}.`);
  const seenByWashington = (
    await washington.api.get<{ id: string; participants: { id: string; safetyCode: string | null }[] }[]>(
      "/api/lines",
    )
  )
    .find((l) => l.id === line.id)
    ?.participants.find((p) => p.id === moscow.id)?.safetyCode;
  console.log(`  Safety code at Moscow:     ${accepted.safetyCode}`);
  console.log(`  Safety code at Washington: ${seenByWashington ?? "(none)"}`);
  console.log(
    seenByWashington === accepted.safetyCode
      ? "  The operators read them aloud to each other: the same digits, so nobody sits in between."
      : "  THE CODES DIFFER: do not use this line.",
  );

  step("Eight messages, both ways: each is pushed at once and receipted with a signed head statement.");
  const exchange: [DemoStation, string, "ROUTINE" | "PRIORITY" | "IMMEDIATE"][] = [
    [
      washington,
      "1 March 2022, line opened. Washington testing the deconfliction line; please confirm receipt.",
      "ROUTINE",
    ],
    [moscow, "1 March 2022. Moscow receives you. Line test good.", "ROUTINE"],
    [washington, "2 March 2022, 06:00 UTC. Scheduled line test, please acknowledge.", "ROUTINE"],
    [moscow, "2 March 2022. Acknowledged. Line good.", "ROUTINE"],
    [
      washington,
      "13 May 2022. The Secretary of Defense requests a call with the Minister of Defence today.",
      "IMMEDIATE",
    ],
    [moscow, "13 May 2022. The Minister of Defence accepts the call today.", "IMMEDIATE"],
    [
      washington,
      "13 May 2022. Call held, about one hour. The Secretary urged an immediate ceasefire and stressed maintaining lines of communication.",
      "PRIORITY",
    ],
    [
      moscow,
      "13 May 2022. Received. The situation in Ukraine was discussed. Moscow notes the call was initiated by Washington.",
      "PRIORITY",
    ],
  ];
  for (const [from, text, precedence] of exchange) {
    await from.api.post(`/api/lines/${line.id}/messages`, { text, precedence });
  }
  await waitUntil(async () => {
    const [atW, atM] = await Promise.all([logOf(washington, line.id), logOf(moscow, line.id)]);
    const receipted = (log: LogEntry[], me: DemoStation, other: DemoStation) =>
      log.filter((e) => e.author === me.id).every((e) => e.receipts[other.id] !== undefined);
    return (
      atW.length === atM.length && receipted(atW, washington, moscow) && receipted(atM, moscow, washington)
    );
  }, "every message to be delivered and receipted");

  const names = new Map([
    [washington.id, "Washington"],
    [moscow.id, "Moscow"],
  ]);
  step("The line's record at Moscow (✓: Washington's signed receipt for Moscow's own messages):");
  for (const entry of await logOf(moscow, line.id)) console.log(indent(transcriptLine(entry, names)));

  step("Status at Washington:");
  const status = await washington.api.get<StationStatus>("/api/status");
  for (const l of status.lines) {
    console.log(`  ${l.name}: ${l.entries} entries`);
    for (const p of l.participants) {
      console.log(
        `    ${p.name}: ${p.connected ? "connected" : "NOT connected"}, last contact ${p.lastContact ?? "never"}, outbox ${p.outbox}`,
      );
    }
  }

  step("Verification of both records (every hash, link and signature):");
  let intact = true;
  for (const s of [washington, moscow]) {
    const station = Station.open({ dir: s.dir });
    try {
      const report = await station.verify();
      intact &&= report.ok;
      console.log(
        `  ${s.name}: ${report.ok ? "intact" : `${report.problems.length} PROBLEM(S)`}, ${report.entries} entries`,
      );
    } finally {
      station.close();
    }
  }
  if (!intact) process.exitCode = 1;

  const cli = `node ${BIN}`;
  console.log(`\nData kept in ${root}. Try, in another terminal:`);
  console.log(`  ${cli} log --dir ${moscow.dir} --line ${LINE} --follow`);
  console.log(`  ${cli} send --dir ${washington.dir} --line ${LINE} --precedence FLASH "Line test"`);
  console.log(`  ${cli} status --dir ${washington.dir}`);
  if (values.once) {
    await stopAll();
  } else {
    console.log("\nBoth stations keep running; Ctrl-C stops them.");
    await new Promise<void>((done) => {
      process.once("SIGINT", () => void stopAll().then(done));
      process.once("SIGTERM", () => void stopAll().then(done));
    });
  }
} catch (error) {
  console.error(`error ${(error as { code?: string }).code ?? "DEMO"}: ${(error as Error).message}`);
  process.exitCode = 1;
  await stopAll();
}

/** Creates a station on two free loopback ports, starts it as a real `hotline start` process. */
async function makeStation(name: string): Promise<DemoStation> {
  const dir = join(root, name.toLowerCase());
  const made = await initStation({
    dir,
    name,
    listen: `127.0.0.1:${await freeLoopbackPort()}`,
    api: `127.0.0.1:${await freeLoopbackPort()}`,
  });
  console.log(`Station ${name}: ${dir}`);
  console.log(`  fingerprint ${made.fingerprint}, peer endpoint ${made.url}`);
  console.log(`  operator admin, password ${made.admin.password} (shown once)`);
  const child = spawn(process.execPath, [BIN, "start", "--dir", dir], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  child.once("exit", (code) => {
    if (!stopping) console.error(`${name} stopped unexpectedly (exit ${String(code)}): ${stderr}`);
  });
  let api: ApiClient | null = null;
  await waitUntil(async () => {
    if (child.exitCode !== null) throw new Error(`${name} did not start: ${stderr}`);
    api = runningStation(stationPaths(dir));
    if (api === null) return false;
    await api.get("/api/whoami");
    return true;
  }, `${name} to start`);
  return { name, dir, id: made.id, process: child, api: api as unknown as ApiClient };
}

function logOf(station: DemoStation, line: string): Promise<LogEntry[]> {
  return station.api.get<LogEntry[]>(`/api/lines/${line}/log`);
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      if (error instanceof Error && error.message.includes("did not start")) throw error;
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
}

function step(text: string): void {
  console.log(`\n== ${text}`);
}

function indent(text: string): string {
  return text.replace(/^/gm, "  ");
}
