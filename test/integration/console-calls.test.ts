import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  consoleOf,
  startPairedStationsWithBrowser,
  type PairedStationsWithBrowser,
} from "../helpers/browser.js";
import { hotline, hotlineJson } from "../helpers/cli.js";
import { MOSCOW_READOUT_EN, MOSCOW_READOUT_RU, WASHINGTON_READOUT } from "../helpers/readouts.js";
import { waitFor, type TestStation } from "../helpers/stations.js";

const MESSAGE = "Unidentified aircraft near grid 41. Is it yours?";
const MESSAGE_RU = "Неопознанный самолёт у квадрата 41. Это ваш?";
/** The point of Moscow's readout that Washington disputes: the one only Moscow mentions. */
const DIRTY_BOMB = "Министр Шойгу выразил обеспокоенность";

/**
 * Calls, readouts and translations in the operator console, in a real browser: two real
 * stations; a call asked for, accepted and recorded held, both sides' readouts (Moscow's in
 * Russian, with its own English translation) and a translated message, all made with the CLI.
 * The line view lists the call; the call's page shows both readouts side by side with what only
 * one side mentions; a point disputed in Washington's console shows at Moscow without reload;
 * translations show beneath their originals, the original marked authoritative.
 */
describe("calls, readouts and translations in the console", () => {
  let stations: PairedStationsWithBrowser;
  let washington: TestStation;
  let moscow: TestStation;
  let line: string;
  let call: string;
  let atWashington: Page;
  let atMoscow: Page;

  /** Runs a command at one station until it succeeds: what it names may still be on its way there. */
  async function whenArrived<T>(args: string[]): Promise<T> {
    let result: T | undefined;
    await waitFor(
      async () => {
        // A refusal (the entry not here yet) is a reason to wait, not a failure: waitFor keeps the
        // last one for its message if the wait runs out.
        const run = await hotline([...args, "--json"]);
        if (run.code !== 0) throw new Error(run.stderr.trim());
        result = JSON.parse(run.stdout) as T;
        return true;
      },
      { what: `hotline ${args.slice(0, 2).join(" ")} to succeed`, timeoutMs: 60_000, everyMs: 200 },
    );
    return result as T;
  }

  /** The column of one station's readout on a call's page. */
  const column = (page: Page, station: string) =>
    page.locator(".readout-column", { has: page.getByRole("heading", { name: `${station}'s readout` }) });

  beforeAll(async () => {
    stations = await startPairedStationsWithBrowser();
    ({ washington, moscow, line } = stations);
    const w = ["--dir", washington.dir];
    const m = ["--dir", moscow.dir];

    call = (
      await hotlineJson<{ hash: string }>([
        "call",
        "request",
        "--line",
        line,
        "--level",
        "minister",
        "--topic",
        "Ukraine",
        "--time",
        "2022-10-21T14:00Z",
        "--participant",
        "Secretary Austin",
        "--participant",
        "Minister Shoigu",
        ...w,
      ])
    ).hash;
    const message = hotlineJson<{ hash: string }>(["send", "--line", line, "--lang", "en", ...w, MESSAGE]);
    await whenArrived(["call", "accept", call, "--note", "Agreed", ...m]);
    await whenArrived(["call", "held", call, "--start", "2022-10-21T14:02Z", "--duration", "45m", ...w]);
    const [, moscowReadout] = await Promise.all([
      hotlineJson(["readout", "--call", call, "--lang", "en", "--text", WASHINGTON_READOUT, ...w]),
      hotlineJson<{ hash: string }>([
        "readout",
        "--call",
        call,
        "--lang",
        "ru",
        "--text",
        MOSCOW_READOUT_RU,
        ...m,
      ]),
    ]);
    const { hash: messageHash } = await message;
    await Promise.all([
      hotlineJson(["translate", moscowReadout.hash, "--lang", "en", "--text", MOSCOW_READOUT_EN, ...m]),
      whenArrived([
        "translate",
        messageHash,
        "--lang",
        "ru",
        "--text",
        MESSAGE_RU,
        "--translator",
        "Lt. Petrova",
        ...m,
      ]),
    ]);
    [atWashington, atMoscow] = await Promise.all([stations.signIn(washington), stations.signIn(moscow)]);
  });

  afterAll(async () => {
    await stations?.close();
  });

  it("the line view lists the call: its state, when it was held and for how long, who placed it", async () => {
    await atWashington.getByRole("link", { name: "moscow-washington" }).first().click();
    await atWashington.getByRole("button", { name: "Calls" }).click();
    const item = atWashington.locator("#calls-panel .call-item", { hasText: "Ukraine" });
    await item.waitFor();
    const text = (await item.textContent()) ?? "";
    expect(text).toContain("HELD");
    expect(text).toContain("minister level");
    expect(text).toMatch(/45 mins?/);
    expect(text).toContain("placed by Washington");
    expect(text).toMatch(/accepted by Moscow \(admin\)/);
    // The thread tells the call's story in readable lines, and the readouts as their own cards.
    const thread = atWashington.locator(".thread");
    await thread.getByText(/requested a call — minister level — “Ukraine” — proposed for/).waitFor();
    await expect.poll(() => thread.locator("article.readout").count(), { timeout: 5_000 }).toBe(2);
  });

  it("the call's page shows both readouts side by side, and what only one side mentions", async () => {
    await atWashington
      .locator("#calls-panel .call-item", { hasText: "Ukraine" })
      .getByRole("link", { name: /Readouts side by side/ })
      .click();
    await column(atWashington, "Moscow").waitFor();
    const own = column(atWashington, "Washington");
    expect(await own.textContent()).toContain("lines of communication");
    expect(await column(atWashington, "Moscow").textContent()).toContain(DIRTY_BOMB);
    // Washington's point that Moscow's readout leaves out is marked so.
    const onlyOurs = own.locator(".point", { hasText: "lines of communication" });
    expect(await onlyOurs.locator(".mention").textContent()).toMatch(/only Washington's/);
    expect(
      await own
        .locator(".point", { hasText: "discussed the war in Ukraine" })
        .locator(".mention")
        .textContent(),
    ).toMatch(/also in Moscow's readout/);
    // The summary: Moscow's Russian readout was read through its own English translation.
    const summary = atWashington.locator(".comparison-summary");
    expect(await summary.textContent()).toMatch(/Both mention \d+ points?/);
    expect(await summary.locator(".only-list", { hasText: "Only Moscow" }).textContent()).toContain(
      "dirty bomb",
    );
    expect(await summary.textContent()).toMatch(/compared through its translation into English/);
  });

  it("a point disputed with a comment in Washington's console shows at both ends, at Moscow without reload", async () => {
    await atMoscow.goto(`${consoleOf(moscow)}/lines/${line}/calls/${call}`);
    await column(atMoscow, "Moscow").waitFor();
    const comment = `No such concern was raised on the call (${Date.now()})`;
    const point = column(atWashington, "Moscow").locator(".point", { hasText: DIRTY_BOMB });
    await point.getByRole("button", { name: "Dispute" }).click();
    await point.getByLabel(/Why disputed/).fill(comment);
    await point.getByRole("button", { name: "Record dispute" }).click();
    await point.locator(".mark-disputed", { hasText: comment }).waitFor({ timeout: 30_000 });
    expect(await point.locator(".mark-disputed").textContent()).toMatch(/disputed — Washington \(admin\)/);

    const there = column(atMoscow, "Moscow").locator(".point", { hasText: DIRTY_BOMB });
    await there.locator(".mark-disputed", { hasText: comment }).waitFor({ timeout: 30_000 });
    expect(await atMoscow.locator(".marked-disputed").textContent()).toContain(comment);
    // Moscow marks nothing on its own readout: the buttons are for the other side's points.
    expect(await column(atMoscow, "Moscow").getByRole("button", { name: "Dispute" }).count()).toBe(0);
    expect(await column(atMoscow, "Washington").getByRole("button", { name: "Dispute" }).count()).toBe(4);
  });

  it("a translation shows beneath its original, labelled, the original marked authoritative", async () => {
    // A readout's: Moscow's own English translation beneath its Russian original.
    const readout = column(atMoscow, "Moscow");
    expect(await readout.locator(".badge-original").textContent()).toBe("original — authoritative");
    const ownTranslation = readout.locator(".translation");
    expect(await ownTranslation.textContent()).toMatch(/Translation \(en\) by admin/);
    expect(await ownTranslation.textContent()).toContain("the author's own");

    // A message's, in the thread: a person's, not the author's.
    await atMoscow.getByRole("link", { name: "← moscow-washington" }).click();
    const message = atMoscow.locator("article.message", { hasText: MESSAGE });
    await message.waitFor();
    expect(await message.locator(".message-text").textContent()).toBe(MESSAGE);
    expect(await message.locator(".badge-original").textContent()).toBe("original — authoritative");
    const translation = message.locator(".translation");
    expect(await translation.locator(".translation-label").textContent()).toBe(
      "Translation (ru) by Lt. Petrova",
    );
    expect(await translation.locator(".translation-text").textContent()).toBe(MESSAGE_RU);
    expect(await translation.textContent()).not.toContain("the author's own");
    // The translation is not an entry of its own in the thread.
    expect(
      await atMoscow
        .locator(".thread")
        .getByText(/^translation by/)
        .count(),
    ).toBe(0);

    // Translate, in the console: a machine translation, labelled as such, beneath the same original.
    await message.getByRole("button", { name: "Translate" }).click();
    const dialog = atMoscow.getByRole("dialog", { name: "Attach a translation" });
    await dialog.getByLabel("Language").selectOption("fr");
    await dialog.getByLabel("Translation", { exact: true }).fill("Avion non identifié près de la grille 41.");
    await dialog.getByLabel("Translator", { exact: true }).fill("ExampleMT 2.1");
    await dialog.getByLabel(/machine translation/).check();
    await dialog.getByRole("button", { name: "Attach translation" }).click();
    const machine = message.locator(".translation", { hasText: "ExampleMT 2.1" });
    await machine.waitFor({ timeout: 30_000 });
    expect(await machine.textContent()).toMatch(/Translation \(fr\) by ExampleMT 2\.1\s*machine translation/);
    expect(await message.locator(".translation").count()).toBe(2);
  });
});
