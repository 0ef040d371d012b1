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
 * invites Ankara and Berlin onto the line it shares with Moscow, and Moscow's console shows both
 * waiting for Moscow's consent; Moscow's admin approves them there, in one signed entry, after a
 * confirmation that says what approving gives away and lists each safety code; an officer sees
 * the wait but cannot approve.
 */
describe("consent to a new participant in the console", () => {
  let stations: PairedStationsWithBrowser;
  let washington: TestStation;
  let moscow: TestStation;
  let ankara: TestStation | undefined;
  let berlin: TestStation | undefined;
  let line: string;
  let ivanov: Operator;

  const atMoscow = async (station: TestStation | undefined) =>
    (await hotlineJson<Listed>(["lines", "--dir", moscow.dir]))
      .find((l) => l.id === line)
      ?.participants.find((p) => p.id === station?.id);

  beforeAll(async () => {
    stations = await startPairedStationsWithBrowser({
      beforeStart: async ({ tmp, moscow }) => {
        const [made, second, officer] = await Promise.all([
          initStation(tmp.join("ankara"), "Ankara"),
          initStation(tmp.join("berlin"), "Berlin"),
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
        berlin = second;
        ivanov = { operator: "ivanov", password: officer.password };
      },
    });
    ({ washington, moscow, line } = stations);
    if (ankara === undefined || berlin === undefined) throw new Error("Ankara or Berlin was not initialised");
    for (const joiner of [ankara, berlin]) {
      await startStation(joiner);
      const { invite } = await hotlineJson<{ invite: string }>([
        "invite",
        "--line",
        line,
        "--dir",
        washington.dir,
      ]);
      // Added while the other is pending: each waits for Moscow's consent only.
      const joined = await hotlineJson<{ awaiting: string[] }>(["accept", invite, "--dir", joiner.dir]);
      expect(joined.awaiting).toEqual([moscow.id]);
      await waitFor(async () => (await atMoscow(joiner))?.pending === true, {
        what: `Moscow to learn that Washington added ${joiner.name}`,
        everyMs: 300,
      });
    }
  });

  afterAll(async () => {
    if (ankara !== undefined) await stopStation(ankara);
    if (berlin !== undefined) await stopStation(berlin);
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
    expect(await page.getByRole("button", { name: "Approve all 2 stations…" }).count()).toBe(0);
  });

  it("Moscow's admin approves Ankara and Berlin in one entry after confirming, and both are then participants", async () => {
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

    // One station at a time: the dialog says what approving gives away (not approved here).
    await waiting.getByRole("button", { name: "Approve…" }).click();
    const one = page.getByRole("dialog", { name: "Let Ankara join this line?" });
    await one.waitFor();
    expect(await one.textContent()).toContain(
      "Approving lets Ankara read the whole record of this line and write on it. Compare its safety code by voice first.",
    );
    await one.getByRole("button", { name: "Not yet" }).click();
    await one.waitFor({ state: "detached" });

    // Both at once: one dialog naming each, one signed entry.
    await page.getByRole("button", { name: "Approve all 2 stations…" }).click();
    const dialog = page.getByRole("dialog", { name: "Let these 2 stations join this line?" });
    await dialog.waitFor();
    const listed = (await dialog.textContent()) ?? "";
    expect(listed).toContain("Ankara");
    expect(listed).toContain("Berlin");
    expect(await dialog.locator(".safety-code").count()).toBe(2);
    const approved = page.waitForResponse(
      (r) => r.url().endsWith("/approve") && r.request().method() === "POST",
    );
    await dialog.getByRole("button", { name: "Approve all 2" }).click();
    expect((await approved).status()).toBe(200);

    // The page refreshes the line's members: nobody waits any more.
    await page.locator(".pending-member").first().waitFor({ state: "detached", timeout: 30_000 });
    for (const joiner of [ankara, berlin]) {
      const now = await atMoscow(joiner);
      expect(now?.pending, joiner?.name).toBe(false);
      expect(now?.awaiting).toEqual([]);
    }
  });
});
