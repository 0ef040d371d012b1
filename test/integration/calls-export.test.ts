import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotline, hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
import { MOSCOW_READOUT_EN, MOSCOW_READOUT_RU, WASHINGTON_READOUT } from "../helpers/readouts.js";
import {
  initStation,
  pairOnLine,
  startStation,
  stopStation,
  waitFor,
  type TestStation,
} from "../helpers/stations.js";

interface Call {
  id: string;
  state: string;
  responses: { kind: string; stationName: string }[];
  durationSeconds: number | null;
}
interface Problem {
  code: string;
  author: string | null;
  seq: number | null;
}
interface BundleReport {
  ok: boolean;
  entries?: number;
  problems?: Problem[];
  coverage: { name: string; complete: boolean; uncovered: number }[];
}

describe("calls, readouts, translations, export and offline verification between two running stations", () => {
  let tmp: TempDir;
  let washington: TestStation;
  let moscow: TestStation;
  let line: string;
  let call: string;
  let ruReadout: string;

  const at = (station: TestStation, ...args: string[]) => [...args, "--dir", station.dir];

  beforeAll(async () => {
    tmp = tempDir();
    [washington, moscow] = await Promise.all([
      initStation(tmp.join("washington"), "Washington"),
      initStation(tmp.join("moscow"), "Moscow"),
    ]);
    await Promise.all([startStation(washington), startStation(moscow)]);
    line = (await pairOnLine(washington, [moscow])).line;
    await hotlineJson(at(washington, "line", "set", "--line", line, "--test-interval", "1"));
  });

  afterAll(async () => {
    await Promise.all([stopStation(washington), stopStation(moscow)]);
    tmp.remove();
  });

  it("a call is requested, accepted, held; both readouts, a mark and a translation: the same record at both ends", async () => {
    await hotlineJson(at(washington, "operator", "add", "kim", "--role", "officer"));
    const request = [
      "call",
      "request",
      "--line",
      "moscow-washington",
      "--level",
      "minister",
      "--topic",
      "Ukraine; lines of communication",
      "--time",
      "2022-10-21T14:00Z",
      "--participant",
      "Secretary Austin",
      "--participant",
      "Minister Shoigu",
    ];
    const refused = await hotline(at(washington, ...request, "--as", "kim"));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error FORBIDDEN: Cannot request, answer or record a call/);
    const badTime = await hotline(at(washington, ...request.slice(0, -4), "--time", "tomorrow"));
    expect(badTime.code).toBe(2);

    call = (await hotlineJson<{ hash: string }>(at(washington, ...request))).hash;
    const callsAt = (s: TestStation) => hotlineJson<Call[]>(at(s, "calls", "--line", line));
    await waitFor(async () => (await callsAt(moscow)).length === 1, { what: "the request at Moscow" });
    await hotlineJson(at(moscow, "call", "accept", call.slice(0, 12), "--note", "Agreed"));
    await waitFor(async () => (await callsAt(washington))[0]?.state === "accepted", {
      what: "the accept at Washington",
    });
    await hotlineJson(
      at(washington, "call", "held", call, "--start", "2022-10-21T14:02Z", "--duration", "45m"),
    );

    await hotlineJson(at(washington, "readout", "--call", call, "--text", WASHINGTON_READOUT));
    const published = await hotline(
      at(moscow, "readout", "--call", call, "--file", "-", "--lang", "ru", "--json"),
      {
        input: MOSCOW_READOUT_RU,
      },
    );
    expect(published.code).toBe(0);
    ruReadout = (JSON.parse(published.stdout) as { hash: string }).hash;
    await hotlineJson(at(moscow, "translate", ruReadout, "--lang", "en", "--text", MOSCOW_READOUT_EN));
    await waitFor(
      async () => (await hotline(at(washington, "readouts", "--call", call))).stdout.includes("грязной"),
      {
        what: "Moscow's readout at Washington",
      },
    );
    const mark = await hotline(
      at(
        washington,
        "readout",
        "mark",
        ruReadout,
        "--point",
        "2",
        "--dispute",
        "--comment",
        "No evidence: a pretext",
      ),
    );
    expect(mark.stderr).toBe("");
    expect(mark.stdout).toMatch(/Point 2 marked disputed .*грязной бомбы/);

    const readoutsAt = (s: TestStation) => hotlineJson<unknown>(at(s, "readouts", "--call", call));
    await waitFor(
      async () =>
        JSON.stringify(await callsAt(washington)) === JSON.stringify(await callsAt(moscow)) &&
        JSON.stringify(await readoutsAt(washington)) === JSON.stringify(await readoutsAt(moscow)) &&
        JSON.stringify(await readoutsAt(moscow)).includes("No evidence: a pretext"),
      { what: "the same calls and readouts at both ends" },
    );
    const [held] = await callsAt(moscow);
    expect(held).toMatchObject({ id: call, state: "held", durationSeconds: 2700 });
    expect(held?.responses).toMatchObject([{ kind: "accept", stationName: "Moscow" }]);

    const sideBySide = (await hotline(at(moscow, "readouts", "--call", call))).stdout;
    expect(sideBySide).toContain("Compared in en: Washington's original with Moscow's translation");
    expect(sideBySide).toMatch(/Only Moscow mentions:\n\s+\[2\] Minister Shoigu voiced concern .*dirty bomb/);
    expect(sideBySide).toMatch(
      /Disputed:\n\s+Moscow \[2\] .*грязной бомбы.* — by Washington: No evidence: a pretext/,
    );
  });

  it("export --format bundle verifies on a machine that never saw the stations; one byte changed, it names the entry", async () => {
    const bundle = tmp.join("record.bundle.json");
    const nowhere = tmp.join("no-station-here");
    const verify = async (file: string) => {
      const result = await hotline(["verify", "--bundle", file, "--json", "--dir", nowhere]);
      return { code: result.code, report: JSON.parse(result.stdout) as BundleReport };
    };
    // Moscow's signed heads reach Washington on the next link test; until then they cover less.
    await waitFor(
      async () => {
        await hotlineJson(at(washington, "export", "--line", line, "--out", bundle));
        const { code, report } = await verify(bundle);
        return code === 0 && report.coverage.every((c) => c.complete);
      },
      { what: "a bundle whose every participant's heads cover the whole record", timeoutMs: 60_000 },
    );
    const { report } = await verify(bundle);
    expect(report.ok).toBe(true);
    expect(report.coverage.map((c) => [c.name, c.complete, c.uncovered])).toEqual([
      ["Washington", true, 0],
      ["Moscow", true, 0],
    ]);

    const text = readFileSync(bundle, "utf8");
    const where = text.indexOf("keeping lines of communication");
    const damaged = tmp.join("damaged.bundle.json");
    expect(where).toBeGreaterThan(0);
    writeFileSync(damaged, `${text.slice(0, where)}K${text.slice(where + 1)}`); // one byte: k → K
    const broken = await verify(damaged);
    expect(broken.code).toBe(1);
    const readoutEntry = (
      JSON.parse(text) as { entries: { author: string; seq: number; body: { text?: string } }[] }
    ).entries.find((e) => e.body.text === WASHINGTON_READOUT);
    expect(broken.report.problems).toContainEqual(
      expect.objectContaining({
        code: "BAD_SIGNATURE",
        author: readoutEntry?.author,
        seq: readoutEntry?.seq,
      }),
    );
    const human = await hotline(["verify", "--bundle", damaged, "--dir", nowhere]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^Bundle NOT intact of line moscow-washington/);

    writeFileSync(damaged, text.slice(0, 200));
    const truncated = await verify(damaged);
    expect(truncated.code).toBe(1);
    expect(truncated.report.problems?.map((p) => p.code)).toEqual(["BAD_BUNDLE"]);
  });

  it("export --format html and md: transcripts with the readouts and translations in place", async () => {
    const html = tmp.join("record.html");
    const md = tmp.join("record.md");
    await hotlineJson(at(moscow, "export", "--line", line, "--format", "html", "--out", html));
    await hotlineJson(at(moscow, "export", "--line", line, "--format", "md", "--out", md));
    for (const file of [html, md]) {
      const text = readFileSync(file, "utf8");
      expect(text).toContain("He rejected any pretext for Russian escalation.");
      expect(text).toContain("Министр Шойгу выразил обеспокоенность");
      expect(text).toContain("Minister Shoigu voiced concern about possible provocations");
      expect(text).toMatch(
        /Translation into en by admin, attached by Moscow \(admin\) .* the author(&#39;|')s own translation/,
      );
      expect(text).toContain("No evidence: a pretext");
      expect(text).toContain("Call requested at minister level: Ukraine; lines of communication");
    }
    expect(readFileSync(html, "utf8")).toMatch(/^<!doctype html>/);

    // The same, over the running station's operator API.
    const api = async (path: string) => {
      const token = readFileSync(`${moscow.dir}/api.token`, "utf8").trim();
      return fetch(`http://127.0.0.1:${moscow.apiPort}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    };
    const transcript = await api(`/api/lines/${line}/export?format=md`);
    expect(transcript.headers.get("content-type")).toMatch(/^text\/markdown/);
    expect(await transcript.text()).toContain("He rejected any pretext for Russian escalation.");
    const bundle = await api(`/api/lines/${line}/export`);
    expect(((await bundle.json()) as { kind: string }).kind).toBe("hotline.bundle");
    const calls = (await (await api(`/api/lines/${line}/calls`)).json()) as Call[];
    expect(calls.map((c) => [c.id, c.state])).toEqual([[call, "held"]]);
    expect((await api("/api/calls/nothing-like-a-hash/readouts")).status).toBe(400);
  });
});
