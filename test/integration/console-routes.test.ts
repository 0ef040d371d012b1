/**
 * The board with more than one route to a participant: Moscow's primary route behind a
 * fault-injecting proxy, a backup beside it; the primary cut, then healed. Real stations, real
 * loopback mutual TLS, Debian's Chromium.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultProxy } from "../../src/faults/mod.js";
import { startPairedStationsWithBrowser, type PairedStationsWithBrowser } from "../helpers/browser.js";
import { hotlineJson } from "../helpers/cli.js";
import { freePort, waitFor } from "../helpers/stations.js";

describe("the board shows each route's uptime and when traffic last switched", () => {
  let env: PairedStationsWithBrowser;
  let primary: FaultProxy | null = null;

  beforeAll(async () => {
    env = await startPairedStationsWithBrowser({
      beforeStart: async ({ moscow }) => {
        // Moscow's primary address is a proxy in front of it; its backup route is its own.
        const proxyPort = await freePort();
        const backupPort = await freePort();
        primary = await FaultProxy.start({
          listen: { host: "127.0.0.1", port: proxyPort },
          upstream: { host: "127.0.0.1", port: moscow.peerPort },
        });
        const file = join(moscow.dir, "station.json");
        const config = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
        writeFileSync(file, JSON.stringify({ ...config, url: `https://127.0.0.1:${proxyPort}` }, null, 2));
        await hotlineJson([
          "route",
          "add",
          "backup",
          "--url",
          `https://127.0.0.1:${backupPort}`,
          "--listen",
          `127.0.0.1:${backupPort}`,
          "--dir",
          moscow.dir,
        ]);
      },
    });
    await hotlineJson([
      "line",
      "set",
      "--line",
      env.line,
      "--test-interval",
      "1",
      "--dir",
      env.washington.dir,
    ]);
  });
  afterAll(async () => {
    await env?.close();
    await primary?.close();
  });

  it("after the primary is cut: the backup marked as carrying the traffic, the switch time, each route's uptime", async () => {
    const page = await env.signIn(env.washington);
    const routes = page.getByLabel("Routes: the one carrying the traffic is marked");
    await routes.getByText("▸ primary").waitFor();

    primary?.cut();
    await routes.getByText("▸ backup").waitFor({ timeout: 30_000 });
    expect(await routes.getByText("switched").isVisible()).toBe(true);
    // The health report (route uptime) is fetched again at a switch; the primary's went below 100 %.
    await waitFor(
      async () => {
        const health = await hotlineJson<{
          participants: { routes: { name: string; health: string }[] }[];
        }>(["health", "--line", env.line, "--dir", env.washington.dir]);
        return health.participants[0]?.routes.find((r) => r.name === "primary")?.health === "down";
      },
      { what: "the primary route down" },
    );
    await page.reload();
    await routes.getByText("▸ backup").waitFor();
    await routes.locator(".route-active .route-uptime").waitFor();
    expect(await routes.locator(".route-active .route-uptime").textContent()).toMatch(/^\s*100\s*%$/);
    expect(await routes.locator(".route-down").textContent()).toMatch(/^primary/);
    if (process.env.HOTLINE_SCREENSHOTS !== undefined) {
      await page.screenshot({ path: join(process.env.HOTLINE_SCREENSHOTS, "board-routes.png") });
    }
  });
});
