import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  consoleOf,
  startPairedStationsWithBrowser,
  type Operator,
  type PairedStationsWithBrowser,
} from "../helpers/browser.js";
import { hotlineJson } from "../helpers/cli.js";
import { startStation, stopStation, waitFor, type TestStation } from "../helpers/stations.js";

/**
 * The operator console end to end, in a real browser: two real stations, an operator signed in
 * at each; a message sent in one console appears in the other's within a second without reload;
 * acknowledged there, the sender sees who acknowledged; the peer killed, the board shows it down
 * and an alarm appears; a wrong password is refused; an operator who picks Russian gets Russian.
 */
describe("the operator console in a real browser", () => {
  let stations: PairedStationsWithBrowser;
  let washington: TestStation;
  let moscow: TestStation;
  let line: string;
  let ivanov: Operator;

  beforeAll(async () => {
    stations = await startPairedStationsWithBrowser({
      processes: ["moscow"], // a test kills it with -9
      beforeStart: async ({ moscow }) => {
        const { password } = await hotlineJson<{ password: string }>([
          "operator",
          "add",
          "ivanov",
          "--role",
          "officer",
          "--dir",
          moscow.dir,
        ]);
        ivanov = { operator: "ivanov", password };
      },
    });
    ({ washington, moscow, line } = stations);
    await hotlineJson(["line", "set", "--line", line, "--test-interval", "1", "--dir", washington.dir]);
  });

  afterAll(async () => {
    await stations?.close();
  });

  it("refuses a wrong password with a clear message, and stays on the sign-in page", async () => {
    const context = await stations.newContext();
    const page = await context.newPage();
    await page.goto(consoleOf(washington));
    // The page says which station it is before anyone gives a password.
    await page.locator(".signin-station", { hasText: "Station Washington" }).waitFor();
    await page.getByLabel("Operator").fill("admin");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/wrong/i);
    expect(await page.getByRole("button", { name: "Sign in" }).isVisible()).toBe(true);
  });

  it("a message sent in Washington's console appears in Moscow's without reload; acknowledged there, Washington sees who acknowledged", async () => {
    const atWashington = await stations.signIn(washington);
    const atMoscow = await stations.signIn(moscow, ivanov);
    // The board shows the line up at both ends.
    for (const page of [atWashington, atMoscow]) {
      await page.locator(".health-up").first().waitFor({ timeout: 30_000 });
    }
    for (const page of [atWashington, atMoscow]) {
      await page.getByRole("link", { name: "moscow-washington" }).first().click();
      await page.getByLabel("Message").waitFor();
    }
    const text = `Unidentified aircraft near grid 41, is it yours? ${Date.now()}`;
    await atWashington.getByLabel("Message").fill(text);
    await atWashington.getByLabel("Precedence").selectOption("IMMEDIATE");
    const sent = atWashington.waitForResponse((r) => r.url().includes("/messages") && r.status() === 200);
    await atWashington.getByRole("button", { name: "Send" }).click();
    await sent;
    // Pushed to the open page (no reload); how soon depends on the machine's load, not asserted here.
    await atMoscow.getByText(text).waitFor({ timeout: 30_000 });

    const message = atMoscow.locator("article", { hasText: text });
    await message.getByRole("button", { name: "Acknowledge" }).click();
    await waitFor(
      async () =>
        ((await atWashington.locator("article", { hasText: text }).textContent()) ?? "").includes("ivanov"),
      { what: "Washington's console to show ivanov's acknowledgement", timeoutMs: 60_000 },
    );
    expect(await atWashington.locator("article", { hasText: text }).textContent()).toMatch(/acknowledged/i);

    // The record panel: verified by the same code as `hotline verify`, and the signed bundle.
    await atWashington.getByRole("button", { name: "Record check" }).click();
    await atWashington.getByText(/all signatures valid/).waitFor({ timeout: 30_000 });
    // Moscow's signed heads reach Washington with the next link test (every second here).
    await waitFor(
      async () => {
        if (/heads match Moscow/.test((await atWashington.locator("#record-panel").textContent()) ?? ""))
          return true;
        await atWashington.getByRole("button", { name: "Check again" }).click();
        return false;
      },
      { what: "the record panel to show Moscow's heads matching", timeoutMs: 60_000, everyMs: 500 },
    );
    const href = await atWashington.getByRole("link", { name: /signed bundle/ }).getAttribute("href");
    const bundle = await atWashington.request.get(new URL(href ?? "", consoleOf(washington)).toString());
    expect(bundle.status()).toBe(200);
    expect(((await bundle.json()) as { kind: string }).kind).toBe("hotline.bundle");
  });

  it("an operator who picks Russian sees the console in Russian, and it is remembered", async () => {
    const page = await stations.signIn(moscow, ivanov);
    await page.getByLabel("Language", { exact: true }).first().selectOption("ru");
    await page.getByRole("link", { name: "moscow-washington" }).first().click();
    await page.getByLabel("Сообщение").waitFor();
    expect(await page.getByRole("button", { name: "Отправить" }).isVisible()).toBe(true);
    await page.reload();
    await page.getByLabel("Сообщение").waitFor();
  });

  it("the peer killed: Washington's board shows it down and an alarm appears, without reload", async () => {
    const page = await stations.signIn(washington);
    await page.locator(".health-up").first().waitFor({ timeout: 30_000 });
    await stopStation(moscow, "SIGKILL");
    // Detection takes about 2 × the 1 s test interval + the timeout, and the board hears of it
    // within the 2 s status push; a loaded machine adds seconds (tens with a browser beside it). How fast, exactly, is the
    // bench's row ("time to detect a dead peer"), not this test's.
    await page.locator(".health-down").first().waitFor({ timeout: 90_000 });
    expect(await page.locator(".health-down").first().textContent()).toMatch(/down/i);
    // The header's alarm count, shown on every page, counts it.
    await expect.poll(async () => (await page.locator(".alarm-link").textContent()) ?? "").toMatch(/[1-9]/);
    await page.locator(".alarm-link").click({ timeout: 60_000 }); // the board re-renders on each push
    await page.getByText("LINK_DOWN").first().waitFor({ timeout: 60_000 });
    await startStation(moscow);
  }, 240_000);
});
