/**
 * `hotline standby-setup`: the second host's data directory made from the first's, and what it
 * refuses. In this process (the CLI and the station, no `hotline start`).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hotline, hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
import { freePort, initStation, startStation, stopStation, type TestStation } from "../helpers/stations.js";

interface Route {
  name: string;
  url: string;
  listen: string;
}

describe("hotline standby-setup", () => {
  let tmp: TempDir;
  let washington: TestStation;
  let listen: string;
  let api: string;

  beforeEach(async () => {
    tmp = tempDir();
    washington = await initStation(tmp.join("washington"), "Washington");
    listen = `127.0.0.1:${await freePort()}`;
    api = `127.0.0.1:${await freePort()}`;
  });
  afterEach(async () => {
    await stopStation(washington);
    tmp.remove();
  });

  const setup = (args: string[]) =>
    hotline(["standby-setup", "--from", washington.dir, "--dir", tmp.join("second"), ...args]);
  const modeOf = (file: string) => statSync(file).mode & 0o777;
  const configOf = (dir: string) =>
    JSON.parse(readFileSync(join(dir, "station.json"), "utf8")) as {
      listen: string;
      api: string;
      url: string;
      pair?: { serves: string[] };
    };

  it("copies the identity and TLS files, shares the store, gives the second its own addresses and a route of the station, and marks both as a pair", async () => {
    const made = await setup(["--listen", listen, "--api", api, "--json"]);
    expect(made.code, made.stderr).toBe(0);
    const second = tmp.join("second");
    for (const file of ["identity.key", "tls.key", "second-factor.key", "store.url"]) {
      expect(modeOf(join(second, file)), file).toBe(0o600);
    }
    expect(modeOf(join(second, "tls.crt"))).toBe(0o644);
    expect(modeOf(second)).toBe(0o700);
    for (const file of ["identity.key", "tls.key", "tls.crt", "second-factor.key"]) {
      expect(readFileSync(join(second, file), "utf8"), file).toBe(
        readFileSync(join(washington.dir, file), "utf8"),
      );
    }
    // The store the station's record is in: its SQLite file, or the database its store.url names.
    const storeUrl = join(washington.dir, "store.url");
    expect(readFileSync(join(second, "store.url"), "utf8").trim()).toBe(
      existsSync(storeUrl)
        ? readFileSync(storeUrl, "utf8").trim()
        : `sqlite:${join(washington.dir, "hotline.db")}`,
    );
    const first = configOf(washington.dir);
    const other = configOf(second);
    expect(first.pair).toEqual({ serves: ["primary"] });
    expect(other.pair).toEqual({ serves: ["second-host"] });
    // The second keeps the station's address (its primary route) and has its own API.
    expect(other.listen).toBe(first.listen);
    expect(other.url).toBe(first.url);
    expect(other.api).toBe(api);
    // The route is the station's: in the record, so both processes see it.
    const routes = await hotlineJson<Route[]>(["route", "list", "--dir", second]);
    expect(routes.map((r) => [r.name, r.url, r.listen])).toEqual([
      ["primary", first.url, first.listen],
      ["second-host", `https://${listen}`, listen],
    ]);
  });

  it("the CLI offline on a pair's directory reads but never writes: only the active process writes", async () => {
    expect((await setup(["--listen", listen, "--api", api])).code).toBe(0);
    const refused = await hotline(["line", "create", "--name", "offline", "--dir", washington.dir]);
    expect(refused.stderr).toMatch(/^error STANDBY: Cannot write here/m);
    expect((await hotline(["route", "list", "--dir", washington.dir])).code).toBe(0);
  });

  it("refuses a directory that is not a station, a second directory that is not empty, the station's own addresses, and a running station", async () => {
    const notStation = await hotline([
      "standby-setup",
      "--from",
      tmp.join("nowhere"),
      "--dir",
      tmp.join("second"),
      "--listen",
      listen,
      "--api",
      api,
    ]);
    expect(notStation.stderr).toMatch(/^error NO_STATION:/m);

    mkdirSync(tmp.join("second"));
    writeFileSync(tmp.join("second", "something"), "x");
    expect((await setup(["--listen", listen, "--api", api])).stderr).toMatch(
      /^error BAD_INPUT: Cannot set up the standby in .*: it is not empty/m,
    );
    const elsewhere = (args: string[]) =>
      hotline(["standby-setup", "--from", washington.dir, "--dir", tmp.join("third"), ...args]);
    expect((await elsewhere(["--listen", `127.0.0.1:${washington.peerPort}`, "--api", api])).stderr).toMatch(
      /^error BAD_INPUT: .*is where route 'primary' listens already/m,
    );
    expect(
      (await elsewhere(["--listen", listen, "--api", `127.0.0.1:${washington.apiPort}`])).stderr,
    ).toMatch(/^error BAD_INPUT: .*is the station's operator API already/m);
    expect((await elsewhere(["--listen", listen, "--api", listen])).stderr).toMatch(/^error BAD_INPUT:/m);
    expect((await elsewhere(["--listen", "nowhere", "--api", api])).stderr).toMatch(/^error BAD_INPUT:/m);

    await startStation(washington);
    expect((await elsewhere(["--listen", listen, "--api", api])).stderr).toMatch(/^error STATION_RUNNING:/m);
    // Nothing was changed by the refusals: no pair, no route.
    expect(configOf(washington.dir).pair).toBeUndefined();
    const routes = await hotlineJson<Route[]>(["route", "list", "--dir", washington.dir]);
    expect(routes.map((r) => r.name)).toEqual(["primary"]);
  });
});
