import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPairedStationsWithBrowser, type PairedStationsWithBrowser } from "../helpers/browser.js";
import { hotlineJson } from "../helpers/cli.js";
import { waitFor } from "../helpers/stations.js";

type Listed = {
  id: string;
  participants: { id: string; safetyCode: string | null; keyChange: { at: string } | null }[];
}[];

/**
 * Washington rotates its key while the line runs: Moscow's console says so on the line, with the
 * new safety code, and asks the operators to read it aloud; once an operator there says they did,
 * the notice goes and stays gone.
 */
describe("a peer's key change in the console", () => {
  let stations: PairedStationsWithBrowser;

  const washingtonAtMoscow = async () =>
    (await hotlineJson<Listed>(["lines", "--dir", stations.moscow.dir]))
      .find((l) => l.id === stations.line)
      ?.participants.find((p) => p.id === stations.washington.id);

  beforeAll(async () => {
    stations = await startPairedStationsWithBrowser();
    await hotlineJson(["key", "rotate", "--dir", stations.washington.dir]);
    await waitFor(async () => (await washingtonAtMoscow())?.keyChange != null, {
      what: "Moscow to learn of Washington's new key",
      everyMs: 300,
    });
  });

  afterAll(async () => {
    await stations?.close();
  });

  it("Moscow's line shows 'Washington's key changed at …' with the new code until an operator acknowledges it", async () => {
    const shown = await washingtonAtMoscow();
    const at = shown?.keyChange?.at.slice(11, 19) ?? "never";
    const page = await stations.signIn(stations.moscow);
    await page.getByRole("link", { name: "moscow-washington" }).first().click();
    await page.getByLabel("Message").waitFor();
    const notice = page.locator(".key-change", { hasText: "Washington" });
    await notice.waitFor();
    const text = await notice.textContent();
    expect(text).toContain(`Washington's key changed at ${at}Z — read the new safety code aloud`);
    expect(text).toContain(shown?.safetyCode ?? "no code");
    // The record says it too, in the thread.
    await page.getByText("rotated Washington's station key").first().waitFor();

    const acked = page.waitForResponse(
      (r) => r.url().endsWith("/key-change/ack") && r.request().method() === "POST",
    );
    await notice.getByRole("button", { name: "Read aloud, the codes match" }).click();
    expect((await acked).status()).toBe(200);
    await page.locator(".key-change").waitFor({ state: "detached" });
    expect((await washingtonAtMoscow())?.keyChange).toBeNull();

    // Opened again, the console no longer shows it.
    await page.reload();
    await page.getByLabel("Message").waitFor();
    await page.getByText("rotated Washington's station key").first().waitFor();
    expect(await page.locator(".key-change").count()).toBe(0);
  });
});
