import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  consoleOf,
  startPairedStationsWithBrowser,
  type PairedStationsWithBrowser,
} from "../helpers/browser.js";
import { hotline, hotlineJson } from "../helpers/cli.js";
import { waitFor, type TestStation } from "../helpers/stations.js";
import { dayWindow, square } from "../helpers/volumes.js";

interface Conflict {
  id: string;
  a: string;
  b: string;
}
interface Notification {
  id: string;
  clarifications: { hash: string; question: string; answers: { text: string }[] }[];
}

const TITLE = "Air defence exercise Zapad";
const QUESTION = "Will live firing reach the plant's airspace?";
const ANSWER = "No: firing stays west of 35.3 E.";

/**
 * The console's map with real stations: Moscow protects a zone, Washington notifies an exercise
 * crossing it. Moscow's map draws the base map, the volume, the zone and their overlap, and lists
 * the conflict under the id `hotline conflicts` prints; a click opens the exercise's details, a
 * question asked there reaches Washington, whose console answers it on its own map, and the answer
 * shows at Moscow; a deep link selects the exercise; Washington's cancel takes the conflict off
 * the map without reload. Moscow's page asks nothing of any host but its station.
 */
describe("the console's map", () => {
  let stations: PairedStationsWithBrowser;
  let washington: TestStation;
  let moscow: TestStation;
  let line: string;
  let exercise: string;
  /** Moscow's console, the one whose requests are watched */
  let page: Page;
  let atWashington: Page;
  const requests: string[] = [];

  const notificationAt = async (station: TestStation) =>
    (await hotlineJson<Notification[]>(["notifications", "--line", line, "--dir", station.dir])).find(
      (n) => n.id === exercise,
    );

  beforeAll(async () => {
    stations = await startPairedStationsWithBrowser();
    ({ washington, moscow, line } = stations);
    // The zone is this station's own: added at Moscow only, never sent.
    const zone = await hotline([
      "zone",
      "add",
      "--name",
      "npp",
      "--file",
      stations.tmp.writeJson("zone.geojson", square(35.3, 47.2, 0.4)),
      "--dir",
      moscow.dir,
    ]);
    expect(zone.code, zone.stderr).toBe(0);
    // A few days ahead, so no notice rule makes it late; the volume's middle lies outside the zone.
    exercise = (
      await hotlineJson<{ hash: string }>([
        "notify",
        "--line",
        line,
        "--file",
        stations.tmp.writeJson("n.json", {
          type: "exercise",
          title: TITLE,
          description: "Live firing, announced",
          volumes: [
            {
              geometry: square(35.0, 47.4, 0.5),
              altitude: { minMeters: 0, maxMeters: 5000, ref: "MSL" },
              time: dayWindow(5, 6),
            },
          ],
        }),
        "--dir",
        washington.dir,
      ])
    ).hash;
    await waitFor(async () => (await notificationAt(moscow)) !== undefined, {
      what: "Moscow to have the notification",
      timeoutMs: 60_000,
    });
    [page, atWashington] = await Promise.all([stations.signIn(moscow), stations.signIn(washington)]);
    page.on("request", (request) => requests.push(request.url()));
  });

  afterAll(async () => {
    await stations?.close();
  });

  it("draws the base map, the volume, the zone and the conflict, and lists the conflict by its id", async () => {
    await page.getByRole("navigation").getByRole("link", { name: "Map" }).click();
    await page.locator("path.map-countries").first().waitFor({ state: "attached" });
    await page.locator(`path[data-volume="${exercise}#0"]`).waitFor();
    await page.locator('path[data-zone="npp"]').waitFor();
    const [conflict] = await hotlineJson<Conflict[]>(["conflicts", "--dir", moscow.dir]);
    expect(conflict?.b).toBe("zone:npp");
    const id = conflict?.id ?? "";
    await page.locator(`path[data-conflict="${id}"]`).waitFor();
    const item = page.locator(`[data-conflict-item="${id}"]`);
    await expect.poll(() => item.textContent()).toContain(id.slice(0, 12));
    const text = (await item.textContent()) ?? "";
    expect(text).toContain(TITLE);
    expect(text).toContain("Zone npp");
    expect(text).toContain("0–5,000 m MSL");
  });

  it("opens a clicked volume's details; a question asked there reaches Washington, its answer comes back", async () => {
    await page.locator(`path[data-volume="${exercise}#0"]`).click();
    const details = page.locator(`.map-details[data-notification="${exercise}"]`);
    await details.getByRole("heading", { name: TITLE }).waitFor();
    expect(await details.textContent()).toContain("Washington");
    // Moscow asks about Washington's notification: only Washington may answer it.
    await details.getByLabel("Ask a clarification").fill(QUESTION);
    await details.getByRole("button", { name: "Ask", exact: true }).click();
    await details.locator(".clarification", { hasText: QUESTION }).waitFor();
    expect(await details.getByLabel("Answer this question").count()).toBe(0);
    let question = "";
    await waitFor(
      async () => {
        question =
          (await notificationAt(washington))?.clarifications.find((q) => q.question === QUESTION)?.hash ?? "";
        return question !== "";
      },
      { what: "the question to reach Washington", timeoutMs: 60_000 },
    );
    // Washington answers in its own console, on its map's deep link to the notification.
    await atWashington.goto(`${consoleOf(washington)}/map?n=${exercise}`);
    const asked = atWashington.locator(`.clarification[data-question="${question}"]`);
    await asked.getByLabel("Answer this question").fill(ANSWER);
    await asked.getByRole("button", { name: "Answer", exact: true }).click();
    await asked.locator(".clarify-answers", { hasText: ANSWER }).waitFor();
    await details.locator(".clarify-answers", { hasText: ANSWER }).waitFor({ timeout: 30_000 });
  });

  it("a deep link selects the notification", async () => {
    await page.goto(`${consoleOf(moscow)}/map?n=${exercise}`);
    await page
      .locator(`.map-details[data-notification="${exercise}"]`)
      .getByRole("heading", { name: TITLE })
      .waitFor();
    await page.locator(`path[data-volume="${exercise}#0"]`).waitFor();
  });

  it("takes the conflict off the map, without reload, when Washington cancels", async () => {
    const [conflict] = await hotlineJson<Conflict[]>(["conflicts", "--dir", moscow.dir]);
    await page.locator(`path[data-conflict="${conflict?.id}"]`).waitFor();
    const cancelled = await hotline(["notification", "cancel", exercise, "--dir", washington.dir]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    await page
      .locator(`path[data-conflict="${conflict?.id}"]`)
      .waitFor({ state: "detached", timeout: 30_000 });
    await page.locator(`[data-conflict-item="${conflict?.id}"]`).waitFor({ state: "detached" });
    // Cancelled volumes are hidden unless asked for; the open details say it is withdrawn.
    await page.locator(`path[data-volume="${exercise}#0"]`).waitFor({ state: "detached" });
    await page.locator(".map-details .map-badge-cancelled").waitFor();
    await page.getByLabel("Show cancelled").check();
    expect(await page.locator(`path[data-volume="${exercise}#0"]`).getAttribute("data-state")).toBe(
      "cancelled",
    );
  });

  it("draws a zone added from the command line, and drops one removed, without reload; a zone's link looks at it", async () => {
    const added = await hotline([
      "zone",
      "add",
      "--plan",
      "--name",
      "depot-move",
      "--file",
      stations.tmp.writeJson("plan.geojson", square(30, 50, 1)),
      "--dir",
      moscow.dir,
    ]);
    expect(added.code, added.stderr).toBe(0);
    // Attached: it lies outside the part of the map in view.
    await page.locator('path[data-zone="depot-move"]').waitFor({ state: "attached", timeout: 30_000 });
    // The Zones page's "Show on map" link looks at the zone.
    await page.goto(`${consoleOf(moscow)}/map?zone=depot-move`);
    await page.locator('path[data-zone="depot-move"]').waitFor({ state: "visible", timeout: 30_000 });
    const removed = await hotline(["zone", "remove", "npp", "--dir", moscow.dir]);
    expect(removed.code, removed.stderr).toBe(0);
    await page.locator('path[data-zone="npp"]').waitFor({ state: "detached", timeout: 30_000 });
  });

  it("asked no host but the station", () => {
    expect(requests.length).toBeGreaterThan(0);
    const elsewhere = requests.filter((url) => !url.startsWith(`${consoleOf(moscow)}/`));
    expect(elsewhere).toEqual([]);
  });
});
