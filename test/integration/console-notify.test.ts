import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPairedStationsWithBrowser, type PairedStationsWithBrowser } from "../helpers/browser.js";
import { hotlineJson } from "../helpers/cli.js";
import type { TestStation } from "../helpers/stations.js";
import { afterMidnight, square } from "../helpers/volumes.js";

interface Conflict {
  id: string;
  a: string;
  b: string;
}
interface Notification {
  id: string;
}

const EXERCISE = "Air defence drill, sector 7";
const PLAN = "Northern patrol flights";
/** A bow tie: its edges cross, so the station refuses it. */
const BOW_TIE = {
  volumes: [
    {
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            [30, 55],
            [31, 56],
            [31, 55],
            [30, 56],
            [30, 55],
          ],
        ],
      },
      altitude: { minMeters: 0, maxMeters: 12_000, ref: "MSL" },
      time: { start: afterMidnight(3, 6), end: afterMidnight(4, 6) },
    },
  ],
};
/** The exercise as a GeoJSON FeatureCollection whose title the operator's own title replaces. */
const EXERCISE_FILE = {
  type: "FeatureCollection",
  features: [
    {
      type: "Feature",
      geometry: square(30, 55, 1),
      properties: {
        type: "exercise",
        title: "title from the file",
        altitude: { minMeters: 0, maxMeters: 12_000, ref: "MSL" },
        time: { start: afterMidnight(3, 6), end: afterMidnight(4, 6) },
      },
    },
  ],
};

/**
 * Notifications and zones in the operator console, in a real browser with two real stations:
 * Washington notifies an exercise from its line view (a self-intersecting polygon is refused
 * with the station's own message, and nothing is written); it shows at Moscow without reload;
 * a protected zone Moscow adds on its Zones page puts it in one conflict there; a plan Moscow
 * shares on the line becomes a notification at Washington; Washington's cancel shows at Moscow
 * as CANCELLED, with no conflict left.
 */
describe("notifications and zones in the console", () => {
  let stations: PairedStationsWithBrowser;
  let washington: TestStation;
  let moscow: TestStation;
  let line: string;
  let atWashington: Page;
  let atMoscow: Page;

  const panel = (page: Page) => page.locator("#notify-panel");
  const item = (page: Page, title: string) => panel(page).locator(".notify-item", { hasText: title });
  /** From the board (or any page), the line view with its notifications shown. */
  async function openNotifications(page: Page): Promise<void> {
    await page.getByRole("navigation").getByRole("link", { name: "Lines" }).click();
    await page.getByRole("link", { name: "moscow-washington" }).first().click();
    await page.getByRole("button", { name: /^Notifications/ }).click();
    await panel(page).getByRole("heading", { name: "Notifications" }).waitFor();
  }
  async function openZones(page: Page): Promise<void> {
    await page.getByRole("navigation").getByRole("link", { name: "Zones" }).click();
    await page.getByRole("heading", { name: "Zones and plans" }).waitFor();
  }
  const notifications = (station: TestStation) =>
    hotlineJson<Notification[]>(["notifications", "--line", line, "--dir", station.dir]);
  const conflicts = (station: TestStation) =>
    hotlineJson<Conflict[]>(["conflicts", "--line", line, "--dir", station.dir]);

  beforeAll(async () => {
    stations = await startPairedStationsWithBrowser();
    ({ washington, moscow, line } = stations);
    [atWashington, atMoscow] = await Promise.all([stations.signIn(washington), stations.signIn(moscow)]);
    for (const page of [atWashington, atMoscow]) page.setDefaultTimeout(5_000);
    await Promise.all([openNotifications(atWashington), openNotifications(atMoscow)]);
  });

  afterAll(async () => {
    await stations?.close();
  });

  it("a self-intersecting polygon is refused with the station's BAD_INPUT message, and nothing is written", async () => {
    await panel(atWashington).getByText("No notifications on this line yet.").waitFor();
    await panel(atWashington).getByRole("button", { name: "Notify…" }).click();
    const dialog = atWashington.getByRole("dialog", { name: "Notify an activity" });
    await dialog.getByLabel("Type").selectOption("exercise");
    await dialog.getByLabel("Title").fill(EXERCISE);
    await dialog.getByLabel("Volumes (JSON)").fill(JSON.stringify(BOW_TIE, null, 2));
    await dialog.getByText("Read: a notification with 1 volume.").waitFor();
    await dialog.getByRole("button", { name: "Notify", exact: true }).click();

    const refusal = dialog.getByRole("alert");
    await refusal.waitFor({ timeout: 30_000 });
    expect(await refusal.locator(".error-text").textContent()).toBe("The station refused the notification:");
    expect(await refusal.locator(".notify-refusal-message").textContent()).toMatch(
      /^Cannot notify on moscow-washington: volumes\.0\.geometry\.coordinates: a polygon must not intersect itself/,
    );
    expect(await notifications(washington)).toEqual([]);
  });

  it("a valid notification shows in Washington's panel and, without reload, in Moscow's", async () => {
    const dialog = atWashington.getByRole("dialog", { name: "Notify an activity" });
    await dialog.getByLabel("Volumes (JSON)").fill(JSON.stringify(EXERCISE_FILE, null, 2));
    await dialog.getByText("Read: a GeoJSON FeatureCollection with 1 volume.").waitFor();
    // The operator typed the title: the file's own does not replace it.
    expect(await dialog.getByLabel("Title").inputValue()).toBe(EXERCISE);
    await dialog.getByRole("button", { name: "Notify", exact: true }).click();
    await dialog.waitFor({ state: "detached", timeout: 30_000 });

    const own = item(atWashington, EXERCISE);
    await own.waitFor({ timeout: 30_000 });
    const text = (await own.textContent()) ?? "";
    expect(text).toContain("Exercise");
    expect(text).toContain("from Washington (admin)");
    expect(text).toContain("0–12,000 m MSL");
    expect(text).toMatch(/\(24 hrs?\)/);
    expect(await own.getByRole("link", { name: "Show on map" }).getAttribute("href")).toMatch(
      /^\/map\?n=[0-9a-f]{64}$/,
    );
    expect(await own.getByRole("button", { name: "Cancel notification…" }).count()).toBe(1);

    const there = item(atMoscow, EXERCISE);
    await there.waitFor({ timeout: 30_000 });
    expect(await there.textContent()).toContain("from Washington (admin)");
    // Not Moscow's to cancel.
    expect(await there.getByRole("button", { name: "Cancel notification…" }).count()).toBe(0);
    // The thread tells it as one readable line, with a link to it on the map.
    const inThread = atMoscow.locator(".entry.kind-notify");
    await inThread.waitFor({ timeout: 30_000 });
    expect(await inThread.textContent()).toContain(
      `admin (Washington) notified — Exercise — “${EXERCISE}” (1 volume)`,
    );
    expect(await inThread.getByRole("link", { name: "on the map" }).getAttribute("href")).toMatch(
      /^\/map\?n=[0-9a-f]{64}$/,
    );
  });

  it("a protected zone Moscow adds on its Zones page puts the notification in one conflict there", async () => {
    await openZones(atMoscow);
    expect(await atMoscow.getByRole("note").textContent()).toContain("PRIVATE TO THIS STATION — NEVER SENT.");
    const form = atMoscow.getByRole("form", { name: "Add a zone or plan" });
    await form.getByLabel("Name").fill("power-plant");
    await form.getByLabel("Area (GeoJSON)").fill(JSON.stringify(square(30.5, 55.5, 1)));
    await form.getByRole("button", { name: "Add", exact: true }).click();
    const zone = atMoscow.locator(".zone-item", { hasText: "power-plant" });
    await zone.waitFor({ timeout: 30_000 });
    const text = (await zone.textContent()) ?? "";
    expect(text).toContain("PROTECTED ZONE");
    expect(text).toContain("any altitude · always");
    expect(text).toContain("added by admin");
    expect(await zone.getByRole("link", { name: "Show on map" }).getAttribute("href")).toBe(
      "/map?zone=power-plant",
    );

    await openNotifications(atMoscow);
    const there = item(atMoscow, EXERCISE);
    await expect
      .poll(() => there.locator(".notify-conflict-count").textContent(), { timeout: 5_000 })
      .toBe("1 conflict");
    expect(await there.locator(".notify-conflict").textContent()).toContain(
      "with this station's protected zone “power-plant”",
    );
    // The conflict names the notification by its hash: its id, as it was never updated.
    const id = new URL(
      (await there.getByRole("link", { name: "Show on map" }).getAttribute("href")) ?? "",
      "http://x",
    ).searchParams.get("n");
    expect(await conflicts(moscow)).toEqual([expect.objectContaining({ a: id, b: "zone:power-plant" })]);
  });

  it("Moscow shares its zone on the line: it leaves the Zones page, and Washington's panel shows the conflict with it", async () => {
    await openZones(atMoscow);
    const zone = atMoscow.locator(".zone-item", { hasText: "power-plant" });
    await zone.getByRole("button", { name: "Share on a line…" }).click();
    const dialog = atMoscow.getByRole("dialog", { name: "Share the zone “power-plant” on a line" });
    // The station has one line: it is chosen already.
    await dialog.getByRole("button", { name: "Share on the line" }).click();
    await dialog.waitFor({ state: "detached", timeout: 30_000 });
    await zone.waitFor({ state: "detached", timeout: 30_000 });

    await openNotifications(atWashington);
    const there = item(atWashington, EXERCISE);
    await expect
      .poll(() => there.locator(".notify-conflict-count").textContent(), { timeout: 10_000 })
      .toBe("1 conflict");
    expect(await there.locator(".notify-conflict").textContent()).toContain(
      "with the zone “power-plant” Moscow shared on the line",
    );
    const [shared] = await conflicts(washington);
    expect(await conflicts(moscow)).toEqual([shared]);
  });

  it("a plan Moscow shares on the line leaves its Zones page and shows in Washington's panel", async () => {
    await openZones(atMoscow);
    const form = atMoscow.getByRole("form", { name: "Add a zone or plan" });
    await form.getByLabel("Name").fill("patrol-north");
    await form.getByLabel(/^Plan/).check();
    await form.getByLabel("Area (GeoJSON)").fill(JSON.stringify(square(40, 60, 0.5)));
    await form.getByLabel("Lowest altitude (m MSL)").fill("1000");
    await form.getByLabel("Highest altitude (m MSL)").fill("5000");
    await form.getByLabel("From (UTC)").fill(afterMidnight(5, 6));
    await form.getByLabel("To (UTC)").fill(afterMidnight(5, 12));
    await form.getByRole("button", { name: "Add", exact: true }).click();
    const plan = atMoscow.locator(".zone-item", { hasText: "patrol-north" });
    await plan.waitFor({ timeout: 30_000 });
    expect(await plan.textContent()).toContain("1,000–5,000 m MSL");

    await plan.getByRole("button", { name: "Share on a line…" }).click();
    const dialog = atMoscow.getByRole("dialog", { name: "Share the plan “patrol-north” on a line" });
    await dialog.getByLabel("Line").selectOption({ label: "moscow-washington" });
    await dialog.getByLabel("Type").selectOption("air-activity");
    await dialog.getByLabel("Title").fill(PLAN);
    await dialog.getByRole("button", { name: "Notify on the line" }).click();
    await atMoscow
      .getByRole("status")
      .getByText(/Plan “patrol-north” notified on moscow-washington/)
      .waitFor();
    await plan.waitFor({ state: "detached", timeout: 30_000 });
    await atMoscow.getByText("No plans.").waitFor();
    // Nothing private is left: the zone and the plan are both on the line now.
    expect(await atMoscow.locator(".zone-item").count()).toBe(0);

    const shared = item(atWashington, PLAN);
    await shared.waitFor({ timeout: 30_000 });
    const text = (await shared.textContent()) ?? "";
    expect(text).toContain("Air activity");
    expect(text).toContain("from Moscow (admin)");
    expect(text).toContain("1,000–5,000 m MSL");
  });

  it("Washington cancels its exercise from the panel: Moscow shows it CANCELLED, with no conflict, without reload", async () => {
    await openNotifications(atMoscow);
    const there = item(atMoscow, EXERCISE);
    await expect
      .poll(() => there.locator(".notify-conflict-count").textContent(), { timeout: 5_000 })
      .toBe("1 conflict");

    await item(atWashington, EXERCISE).getByRole("button", { name: "Cancel notification…" }).click();
    const dialog = atWashington.getByRole("dialog", { name: `Cancel the notification “${EXERCISE}”?` });
    await dialog.getByLabel(/Reason/).fill("Postponed by the commander");
    await dialog.getByRole("button", { name: "Cancel notification" }).click();
    await item(atWashington, EXERCISE).locator(".notify-state-cancelled").waitFor({ timeout: 30_000 });
    expect(
      await item(atWashington, EXERCISE).getByRole("button", { name: "Cancel notification…" }).count(),
    ).toBe(0);

    await there.locator(".notify-state-cancelled").waitFor({ timeout: 30_000 });
    expect(await there.locator(".notify-state-cancelled").textContent()).toBe("CANCELLED");
    await expect
      .poll(() => there.locator(".notify-conflict-count").textContent(), { timeout: 5_000 })
      .toBe("no conflicts");
    expect(await conflicts(moscow)).toEqual([]);
  });
});
