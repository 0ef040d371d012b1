import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotlineJson, tempDir } from "../helpers/cli.js";
import {
  initStation,
  startPairedStations,
  startStation,
  stopStation,
  waitFor,
  type PairedStations,
  type TestStation,
} from "../helpers/stations.js";

/** One sample of a scrape: its metric name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Reads Prometheus' text format (what `/metrics` answers): one sample per line that is not a comment. */
function samplesOf(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[key as string] = value as string;
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

function find(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );
}

const apiOf = (station: TestStation) => `http://127.0.0.1:${station.apiPort}`;
const tokenOf = (station: TestStation, file: "api.token" | "metrics.token") =>
  readFileSync(join(station.dir, file), "utf8").trim();

async function scrape(station: TestStation): Promise<Sample[]> {
  const answer = await fetch(`${apiOf(station)}/metrics`, {
    headers: { authorization: `Bearer ${tokenOf(station, "metrics.token")}` },
  });
  expect(answer.status).toBe(200);
  return samplesOf(await answer.text());
}

async function send(station: TestStation, line: string, text: string): Promise<void> {
  const answer = await fetch(`${apiOf(station)}/api/lines/${line}/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${tokenOf(station, "api.token")}`, "content-type": "application/json" },
    body: JSON.stringify({ text }),
  });
  expect(answer.status).toBe(200);
}

describe("observability: /metrics, /healthz, /readyz and the log", () => {
  let pair: PairedStations;
  let washington: TestStation;
  let moscow: TestStation;
  let line: string;

  beforeAll(async () => {
    pair = await startPairedStations();
    ({ washington, moscow, line } = pair);
    // Link tests every second: a stopped peer is down within seconds.
    await hotlineJson(["line", "set", "--line", line, "--test-interval", "1", "--dir", washington.dir]);
  });

  afterAll(async () => {
    await pair.close();
  });

  it("/healthz and /readyz answer without a token: up, and ready with every check ok", async () => {
    const health = await fetch(`${apiOf(washington)}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const ready = await fetch(`${apiOf(washington)}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { store: "ok", peer: "ok" } });
  });

  it("/metrics refuses a scrape without a token or with a wrong one; the metrics token (0600) opens nothing else", async () => {
    const bare = await fetch(`${apiOf(washington)}/metrics`);
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
    const wrong = await fetch(`${apiOf(washington)}/metrics`, {
      headers: { authorization: `Bearer ${tokenOf(moscow, "metrics.token")}` },
    });
    expect(wrong.status).toBe(401);
    expect(statSync(join(washington.dir, "metrics.token")).mode & 0o777).toBe(0o600);
    const metricsToken = { authorization: `Bearer ${tokenOf(washington, "metrics.token")}` };
    const status = await fetch(`${apiOf(washington)}/api/status`, { headers: metricsToken });
    expect(status.status).toBe(401);
    // The API token, which reads everything already, reads the metrics too.
    const byApiToken = await fetch(`${apiOf(washington)}/metrics`, {
      headers: { authorization: `Bearer ${tokenOf(washington, "api.token")}` },
    });
    expect(byApiToken.status).toBe(200);
    expect(byApiToken.headers.get("content-type")).toMatch(/^text\/plain/);
  });

  it("a scrape shows every peer's link up with its round trip, its outbox, entries per line and receive timings", async () => {
    const link = { line_id: line.slice(0, 12), peer: "Moscow", peer_id: moscow.id.slice(0, 12) };
    await waitFor(async () => find(await scrape(washington), "hotline_link_state", link)[0]?.value === 2, {
      what: "Washington's metrics to show the link to Moscow up",
    });
    await send(moscow, line, "Metrics, Washington?");
    await waitFor(
      async () =>
        (find(await scrape(washington), "hotline_receive_apply_seconds_count")[0]?.value ?? 0) > 0 &&
        find(await scrape(moscow), "hotline_outbox_pending_entries", { peer: "Washington" })[0]?.value === 0,
      { what: "Washington to receive Moscow's message" },
    );
    const samples = await scrape(washington);
    expect(find(samples, "hotline_link_rtt_seconds", link)[0]?.value).toBeGreaterThan(0);
    expect(find(samples, "hotline_link_rtt_hour_seconds", { ...link, quantile: "0.95" })).toHaveLength(1);
    expect(find(samples, "hotline_outbox_pending_entries", link)[0]?.value).toBe(0);
    const lineLabels = { line: "moscow-washington", line_id: line.slice(0, 12) };
    expect(find(samples, "hotline_entries_written_total", lineLabels)[0]?.value).toBeGreaterThan(0);
    expect(find(samples, "hotline_entries_received_total", lineLabels)[0]?.value).toBeGreaterThan(0);
    expect(find(samples, "hotline_receive_verify_seconds_count")[0]?.value).toBeGreaterThan(0);
    expect(find(samples, "nodejs_eventloop_lag_seconds")).toHaveLength(1);
    // One series per pinned participant: this station and its one peer label nothing else.
    expect(new Set(find(samples, "hotline_link_state").map((s) => s.labels.peer_id))).toEqual(
      new Set([moscow.id.slice(0, 12)]),
    );
  });

  it("every metric the Grafana dashboard queries is in a real scrape", async () => {
    const dashboard = JSON.parse(readFileSync("docs/grafana-dashboard.json", "utf8")) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    const queried = new Set<string>();
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        for (const [name] of target.expr.matchAll(/\b(?:hotline|nodejs|process)_\w+/g)) queried.add(name);
      }
    }
    expect(queried.size).toBeGreaterThan(8);
    // What the scrape declares (a gauge with no series yet, such as open alarms, is declared too).
    const answer = await fetch(`${apiOf(washington)}/metrics`, {
      headers: { authorization: `Bearer ${tokenOf(washington, "metrics.token")}` },
    });
    const declared = new Set<string>();
    for (const [, name, type] of (await answer.text()).matchAll(/^# TYPE (\w+) (\w+)$/gm)) {
      declared.add(name as string);
      if (type === "histogram")
        for (const part of ["_bucket", "_sum", "_count"]) declared.add(`${name}${part}`);
    }
    expect([...queried].filter((name) => !declared.has(name))).toEqual([]);
  });

  it("Moscow stopped: Washington's outbox depth grows with each send, the link goes down, LINK_DOWN is open", async () => {
    await stopStation(moscow);
    const link = { line_id: line.slice(0, 12), peer_id: moscow.id.slice(0, 12) };
    for (const text of ["one", "two", "three"]) await send(washington, line, text);
    await waitFor(
      async () => {
        const samples = await scrape(washington);
        return (
          find(samples, "hotline_outbox_pending_entries", link)[0]?.value === 3 &&
          find(samples, "hotline_link_state", link)[0]?.value === 0 &&
          find(samples, "hotline_alarms_open", { code: "LINK_DOWN", severity: "critical" })[0]?.value === 1
        );
      },
      { what: "Washington's metrics to show Moscow down, 3 pending" },
    );
    expect(find(await scrape(washington), "hotline_link_failures", link)[0]?.value).toBeGreaterThanOrEqual(2);
  });

  it("every line both stations logged has a stable event name, and no secret", () => {
    const secrets = [washington, moscow].flatMap((s) => [
      tokenOf(s, "api.token"),
      tokenOf(s, "metrics.token"),
      s.adminPassword,
      readFileSync(join(s.dir, "identity.key"), "utf8").split("\n")[1] ?? "",
      readFileSync(join(s.dir, "tls.key"), "utf8").split("\n")[1] ?? "",
    ]);
    const events = new Set<string>();
    for (const station of [washington, moscow]) {
      const lines = station.output.split("\n").filter((l) => l.trim() !== "");
      expect(lines.length).toBeGreaterThan(2);
      for (const text of lines) {
        const entry = JSON.parse(text) as { event?: unknown };
        expect({ line: text, event: typeof entry.event }).toEqual({ line: text, event: "string" });
        expect(entry.event).toMatch(/^[a-z]+(\.[a-z-]+)+$/);
        events.add(entry.event as string);
        for (const secret of secrets) expect(text).not.toContain(secret);
      }
    }
    expect(events).toContain("station.started");
    expect(events).toContain("link.down");
    expect(events).toContain("alarm.raised");
  });

  it("/readyz answers 503 naming the store when the store no longer answers; /healthz still 200", async () => {
    await washington.running?.station.store.close();
    const ready = await fetch(`${apiOf(washington)}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ready: false, checks: { store: "not answering", peer: "ok" } });
    expect((await fetch(`${apiOf(washington)}/healthz`)).status).toBe(200);
  });
});

describe("the metrics token file", () => {
  it("an emptied metrics.token stops the station from starting (an empty bearer token must not pass); deleted, a new one is made", async () => {
    const tmp = tempDir();
    try {
      const station = await initStation(tmp.join("washington"), "Washington");
      const file = join(station.dir, "metrics.token");
      writeFileSync(file, "\n", { mode: 0o600 });
      await expect(startStation(station)).rejects.toThrow(/metrics\.token holds no token/);
      expect(existsSync(join(station.dir, "station.lock"))).toBe(false);
      rmSync(file);
      await startStation(station);
      expect(tokenOf(station, "metrics.token")).toMatch(/^[\w-]{40,}$/);
      await stopStation(station);
    } finally {
      tmp.remove();
    }
  });
});
