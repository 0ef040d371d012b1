import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startPairedStationsWithBrowser,
  type Operator,
  type PairedStationsWithBrowser,
} from "../helpers/browser.js";
import { hotlineJson } from "../helpers/cli.js";
import { initStation, startStation, stopStation, waitFor, type TestStation } from "../helpers/stations.js";

type Listed = { id: string; participants: { id: string; pending: boolean; awaiting: string[] }[] }[];

/**
 * A third station joins a line only with the consent of every participant (issue #14): Washington
 * invites Ankara onto the line it shares with Moscow, and Moscow's console shows Ankara waiting
 * for Moscow's consent; Moscow's admin approves it there, after a confirmation that says what
 * approving gives away; an officer sees the wait but cannot approve.
 */
describe("consent to a new participant in the console", () => {
  let stations: PairedStationsWithBrowser;
  let washington: TestStation;
  let moscow: TestStation;
  let ankara: TestStation | undefined;
  let line: string;
  let ivanov: Operator;

  const ankaraAtMoscow = async () =>
    (await hotlineJson<Listed>(["lines", "--dir", moscow.dir]))
      .find((l) => l.id === line)
      ?.participants.find((p) => p.id === ankara?.id);

  beforeAll(async () => {
    stations = await startPairedStationsWithBrowser({
      beforeStart: async ({ tmp, moscow }) => {
        const [made, officer] = await Promise.all([
          initStation(tmp.join("ankara"), "Ankara"),
          hotlineJson<{ password: string }>([
            "operator",
            "add",
            "ivanov",
            "--role",
            "officer",
            "--dir",
            moscow.dir,
          ]),
        ]);
        ankara = made;
        ivanov = { operator: "ivanov", password: officer.password };
      },
    });
    ({ washington, moscow, line } = stations);
    if (ankara === undefined) throw new Error("Ankara was not initialised");
    await startStation(ankara);
    const { invite } = await hotlineJson<{ invite: string }>([
      "invite",
      "--line",
      line,
      "--dir",
      washington.dir,
    ]);
    const joined = await hotlineJson<{ awaiting: string[] }>(["accept", invite, "--dir", ankara.dir]);
    expect(joined.awaiting).toEqual([moscow.id]);
    await waitFor(async () => (await ankaraAtMoscow())?.pending === true, {
      what: "Moscow to learn that Washington added Ankara",
      everyMs: 300,
    });
  });

  afterAll(async () => {
    if (ankara !== undefined) await stopStation(ankara);
    await stations?.close();
  });

  it("an officer at Moscow sees Ankara waiting for Moscow's consent, with no way to approve", async () => {
    const page = await stations.signIn(moscow, ivanov);
    const waiting = page.locator(".pending-member", { hasText: "Ankara" });
    await waiting.first().waitFor();
    expect(await waiting.first().textContent()).toContain(
      "Ankara — waiting for consent of Moscow (this station)",
    );
    expect(await page.getByRole("button", { name: "Approve…" }).count()).toBe(0);
  });

  it("Moscow's admin approves Ankara after confirming, and Ankara is then a participant", async () => {
    const page = await stations.signIn(moscow);
    await page.getByRole("link", { name: "moscow-washington" }).first().click();
    await page.getByLabel("Message").waitFor();
    const waiting = page.locator(".pending-member", { hasText: "Ankara" });
    await waiting.waitFor();
    expect(await waiting.textContent()).toContain("Ankara — waiting for consent of Moscow (this station)");

    // The record's own words do not call Ankara a participant yet.
    await page
      .getByText("admin (Washington) added Ankara to the line, subject to the consent of Moscow")
      .waitFor();

    await waiting.getByRole("button", { name: "Approve…" }).click();
    const dialog = page.getByRole("dialog", { name: "Let Ankara join this line?" });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(
      "Approving lets Ankara read the whole record of this line and write on it. Compare its safety code by voice first.",
    );
    const approved = page.waitForResponse(
      (r) => r.url().endsWith("/approve") && r.request().method() === "POST",
    );
    await dialog.getByRole("button", { name: "Approve Ankara" }).click();
    expect((await approved).status()).toBe(200);

    // The page refreshes the line's members: Ankara no longer waits, and the record says who consented.
    await page.locator(".pending-member").waitFor({ state: "detached", timeout: 30_000 });
    await page.getByText("admin (Moscow) consented to Ankara joining the line").waitFor({ timeout: 30_000 });
    const now = await ankaraAtMoscow();
    expect(now?.pending).toBe(false);
    expect(now?.awaiting).toEqual([]);
  });
});
