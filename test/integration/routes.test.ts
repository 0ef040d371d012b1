import { connect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotline, hotlineJson } from "../helpers/cli.js";
import {
  freePort,
  startPairedStations,
  stopStation,
  startStation,
  waitFor,
  type PairedStations,
} from "../helpers/stations.js";

interface Route {
  name: string;
  url: string;
  priority: number;
}
interface OwnRoute extends Route {
  listen: string;
}
interface LineSummary {
  id: string;
  participants: { id: string; routes: Route[] }[];
}
interface Status {
  lines: {
    id: string;
    participants: { id: string; url: string; routes: (Route & { health: string; active: boolean })[] }[];
  }[];
}

/** Whether something accepts TLS connections at a loopback port (the peer port asks for a client cert). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, rejectUnauthorized: false });
    socket.once("secureConnect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("routes: a station's addresses, announced by itself", () => {
  let pair: PairedStations;
  let backupPort: number;

  beforeAll(async () => {
    pair = await startPairedStations();
    backupPort = await freePort();
  });
  afterAll(async () => {
    await pair.close();
  });

  it("a route added while the station runs is listened on at once and announced to the peer", async () => {
    const { washington, moscow, line } = pair;
    const routes = await hotlineJson<OwnRoute[]>([
      "route",
      "add",
      "backup",
      "--url",
      `https://127.0.0.1:${backupPort}`,
      "--dir",
      washington.dir,
    ]);
    expect(routes.map((r) => [r.name, r.priority])).toEqual([
      ["primary", 0],
      ["backup", 10],
    ]);
    await waitFor(() => listening(backupPort), { what: "Washington listening on its backup route" });

    // Moscow learns it from Washington's own signed entry, and shows it in `lines` and `status`.
    await waitFor(
      async () => {
        const lines = await hotlineJson<LineSummary[]>(["lines", "--dir", moscow.dir]);
        const w = lines.find((l) => l.id === line)?.participants.find((p) => p.id === washington.id);
        return w?.routes.length === 2;
      },
      { what: "Moscow knowing Washington's two routes" },
    );
    const lines = await hotlineJson<LineSummary[]>(["lines", "--dir", moscow.dir]);
    expect(lines[0]?.participants.find((p) => p.id === washington.id)?.routes).toEqual([
      { name: "primary", url: `https://127.0.0.1:${washington.peerPort}`, priority: 0 },
      { name: "backup", url: `https://127.0.0.1:${backupPort}`, priority: 10 },
    ]);
    const status = await hotlineJson<Status>(["status", "--dir", moscow.dir]);
    const w = status.lines[0]?.participants.find((p) => p.id === washington.id);
    expect(w?.routes.map((r) => [r.name, r.active])).toEqual([
      ["primary", true],
      ["backup", false],
    ]);

    const log = await hotlineJson<
      { kind: string; author: string; body: { routes?: Route[]; operator?: string } }[]
    >(["log", "--line", line, "--dir", moscow.dir]);
    const announced = log.filter((e) => e.kind === "route.announce");
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatchObject({ author: washington.id, body: { operator: "admin" } });
  });

  it("refuses a route that is not https://HOST:PORT, a taken name or URL, and removing the primary", async () => {
    const { washington } = pair;
    const bad = await hotline([
      "route",
      "add",
      "odd",
      "--url",
      "http://127.0.0.1:1",
      "--dir",
      washington.dir,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/BAD_INPUT/);
    const path = await hotline([
      "route",
      "add",
      "odd",
      "--url",
      "https://127.0.0.1:1/x",
      "--dir",
      washington.dir,
    ]);
    expect(path.stderr).toMatch(/BAD_INPUT/);
    const taken = await hotline([
      "route",
      "add",
      "backup",
      "--url",
      "https://10.9.9.9:7443",
      "--dir",
      washington.dir,
    ]);
    expect(taken.stderr).toMatch(/ROUTE_EXISTS/);
    const sameUrl = await hotline([
      "route",
      "add",
      "other",
      "--url",
      `https://127.0.0.1:${backupPort}`,
      "--dir",
      washington.dir,
    ]);
    expect(sameUrl.stderr).toMatch(/ROUTE_EXISTS/);
    const primary = await hotline(["route", "remove", "primary", "--dir", washington.dir]);
    expect(primary.stderr).toMatch(/BAD_INPUT/);
    const missing = await hotline(["route", "remove", "nowhere", "--dir", washington.dir]);
    expect(missing.stderr).toMatch(/UNKNOWN_ROUTE/);
    // Nothing of that changed the routes.
    const routes = await hotlineJson<OwnRoute[]>(["route", "list", "--dir", washington.dir]);
    expect(routes.map((r) => r.name)).toEqual(["primary", "backup"]);
  });

  it("only an admin changes routes; any operator reads them", async () => {
    const { washington } = pair;
    await hotline(["operator", "add", "duty", "--role", "officer", "--dir", washington.dir]);
    const refused = await hotline([
      "route",
      "add",
      "sat",
      "--url",
      "https://10.1.1.1:7443",
      "--as",
      "duty",
      "--dir",
      washington.dir,
    ]);
    expect(refused.stderr).toMatch(/FORBIDDEN/);
    const listed = await hotlineJson<OwnRoute[]>(["route", "list", "--as", "duty", "--dir", washington.dir]);
    expect(listed).toHaveLength(2);
  });

  it("a removed route is closed and announced; a route added while stopped reaches the peer once the station runs", async () => {
    const { washington, moscow, line } = pair;
    await hotlineJson(["route", "remove", "backup", "--dir", washington.dir]);
    await waitFor(async () => !(await listening(backupPort)), { what: "the backup route closed" });

    await stopStation(washington);
    const offlinePort = await freePort();
    await hotlineJson([
      "route",
      "add",
      "satcom",
      "--url",
      `https://127.0.0.1:${offlinePort}`,
      "--priority",
      "50",
      "--dir",
      washington.dir,
    ]);
    await startStation(washington);
    expect(await listening(offlinePort)).toBe(true);
    await waitFor(
      async () => {
        const lines = await hotlineJson<LineSummary[]>(["lines", "--dir", moscow.dir]);
        const w = lines.find((l) => l.id === line)?.participants.find((p) => p.id === washington.id);
        return w?.routes.map((r) => r.name).join(",") === "primary,satcom";
      },
      { what: "Moscow knowing the route added while Washington was stopped" },
    );
  });
});
