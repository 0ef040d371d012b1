import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { TestStation } from "./stations.js";

/** Debian's Chromium (`.ci/run` installs it); never a downloaded browser. */
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** @returns Debian's Chromium, headless */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * @param station a running station
 * @returns its console's address
 */
export function consoleOf(station: TestStation): string {
  return `http://127.0.0.1:${station.apiPort}`;
}

/**
 * Opens a station's console in a fresh browser context (its own cookies) at 1280×800 and signs in.
 *
 * @param browser the browser
 * @param contexts where the new context is kept, for closing after the tests
 * @param station the station
 * @param operator the operator's name
 * @param password its password
 * @returns the page, on the board once it shows the line "moscow-washington"
 */
export async function signIn(
  browser: Browser,
  contexts: BrowserContext[],
  station: TestStation,
  operator: string,
  password: string,
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(consoleOf(station));
  await page.getByLabel("Operator").fill(operator);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "moscow-washington" }).first().waitFor();
  return page;
}
