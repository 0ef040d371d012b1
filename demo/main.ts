/**
 * The demo: a station, a line and a short exchange retold from the 2022 deconfliction line, then
 * the record verified. `--dir DIR` keeps the data under DIR; otherwise a fresh temporary directory.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { transcriptLine } from "../src/cli/messages.js";
import { Station, initStation } from "../src/station/mod.js";

const { values } = parseArgs({
  options: { dir: { type: "string" }, once: { type: "boolean", default: false } },
  strict: true,
});
const root = values.dir === undefined ? mkdtempSync(join(tmpdir(), "hotline-demo-")) : resolve(values.dir);

const created = await initStation({ dir: join(root, "washington"), name: "Washington" });
console.log(`Station ${created.name} created in ${created.dir}`);
console.log(`  fingerprint ${created.fingerprint}`);
console.log(`  operator admin, password ${created.admin.password}\n`);

const station = Station.open({ dir: created.dir });
try {
  const line = station.createLine({ name: "moscow-washington", operator: "admin" });
  const say = (text: string, precedence: "ROUTINE" | "IMMEDIATE" | "PRIORITY" = "ROUTINE") =>
    station.send({ line: line.id, text, precedence, operator: "admin" });
  say("1 March 2022: deconfliction line open. This is a test of the line; please confirm receipt.");
  say("2 March 2022, 06:00 UTC: scheduled line test. Read and understood requested.");
  say(
    "13 May 2022: the Secretary of Defense requests a call with the Minister of Defence today, at the minister level.",
    "IMMEDIATE",
  );
  say(
    "13 May 2022: call held, about one hour, initiated by Washington. Washington urged an immediate ceasefire and stressed maintaining lines of communication.",
    "PRIORITY",
  );

  console.log(`Line ${line.name} (${line.id})\n`);
  for (const entry of station.log(line.id)) console.log(transcriptLine(entry));

  const report = await station.verify();
  console.log(
    report.ok
      ? `\nverify: record intact, ${report.lines} line(s), ${report.entries} entries, every hash, link and signature valid.`
      : `\nverify: ${report.problems.length} problem(s)`,
  );
  console.log(
    `\nData kept in ${root}. Try: node bin/hotline.js log --dir ${created.dir} --line moscow-washington`,
  );
  if (!report.ok) process.exitCode = 1;
} finally {
  station.close();
}
