/**
 * The console at the standby host of a station run by two: the duty officer who opens it (a
 * bookmark, the host that was active yesterday) is told at once that this host is the standby,
 * who is active since when, and given a link to the active host's console. And no page of any
 * console may be framed by another site.
 */
import pino from "pino";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveAsStandby, type StandbyServers } from "../../src/cli/standby-servers.js";
import type { LeaseRow } from "../../src/store/mod.js";
import { freeLoopbackPort, makeSelfSignedCertificate } from "../../src/station/mod.js";
import { launchChromium } from "../helpers/browser.js";

describe("the console at a standby host", () => {
  let servers: StandbyServers;
  let browser: Browser;
  let api: string;
  const activeApi = "127.0.0.1:7180";
  const lease: LeaseRow = {
    holder: JSON.stringify({
      station: "Washington",
      routes: ["primary"],
      host: "host-a",
      pid: 4242,
      url: "https://127.0.0.1:7443",
      api: activeApi,
    }),
    epoch: 2,
    acquiredAt: "2026-12-07T03:12:00.000Z",
    expiresAt: "2999-01-01T00:00:00.000Z",
  };

  beforeAll(async () => {
    const peerPort = await freeLoopbackPort();
    api = `127.0.0.1:${await freeLoopbackPort()}`;
    servers = await serveAsStandby({
      station: {
        id: "washington-id",
        name: "Washington",
        url: `https://127.0.0.1:${peerPort}`,
        store: "postgres://hotline@db-a:5432/washington",
      },
      tls: await makeSelfSignedCertificate("Washington", ["127.0.0.1"]),
      apiTls: null,
      listen: [`127.0.0.1:${peerPort}`],
      api,
      lease: async () => lease,
      logger: pino({ level: "silent" }),
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await servers?.close();
  });

  it("says this host is the standby, who is active since when, and links to the active host's console", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`http://${api}/`);
      const notice = page.getByRole("alert").filter({ hasText: "standby" });
      await notice.waitFor();
      if (process.env.SHOT !== undefined) await page.screenshot({ path: process.env.SHOT });
      await expect.poll(() => notice.textContent()).toContain("This host is the standby");
      const text = (await notice.textContent()) ?? "";
      expect(text).toContain("Washington here is the standby; the active is Washington on host-a");
      expect(text).toContain("2026-12-07T03:12:00.000Z");
      const link = notice.getByRole("link", { name: "Open the active host's console" });
      expect(await link.getAttribute("href")).toBe(`http://${activeApi}/`);
      // Signing in here is answered the same way: nothing of the station is served by a standby.
      await page.getByLabel("Operator").fill("officer");
      await page.getByLabel("Password").fill("correct horse battery staple");
      await page.getByRole("button", { name: /sign in/i }).click();
      await expect.poll(() => notice.textContent()).toContain("the active is Washington on host-a");
    } finally {
      await page.close();
    }
  });

  it("no other site may frame its pages; the API's answers carry the same headers", async () => {
    for (const path of ["/", "/api/status", "/api/station"]) {
      const answer = await fetch(`http://${api}${path}`);
      expect(answer.headers.get("content-security-policy"), path).toBe("frame-ancestors 'none'");
      expect(answer.headers.get("x-frame-options"), path).toBe("DENY");
      expect(answer.headers.get("x-content-type-options"), path).toBe("nosniff");
    }
    expect((await fetch(`http://${api}/`)).headers.get("content-type")).toMatch(/^text\/html/);
    expect((await fetch(`http://${api}/api/station`)).status).toBe(503);
  });
});
