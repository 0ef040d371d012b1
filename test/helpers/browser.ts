import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from "playwright-core";
import {
  startPairedStations,
  type PairedStations,
  type PairedStationsOptions,
  type TestStation,
} from "./stations.js";
import { nextCode, signInAuthenticator } from "./second-factor.js";

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

/**
 * @param station a running station
 * @returns its console's address
 */
export function consoleOf(station: TestStation): string {
  return `http://127.0.0.1:${station.apiPort}`;
}

/** Who signs in to a console. */
export interface Operator {
  operator: string;
  password: string;
}

/**
 * Launches Debian's Chromium, headless.
 *
 * @returns the browser; close it when done
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Opens a station's console in a context and signs in: with a code after the password for the
 * admin (its second factor enrolled through the API token at the first sign-in).
 *
 * @param context a browser context (1280×800, en-GB, for the screenshots in the docs)
 * @param station a running station
 * @param line the name of a line the board shows, waited for
 * @param as who signs in (default: the station's admin)
 * @returns the page, on the board
 */
export async function signInConsole(
  context: BrowserContext,
  station: TestStation,
  line: string,
  as: Operator = { operator: "admin", password: station.adminPassword },
): Promise<Page> {
  const page = await context.newPage();
  // Admins must have a second factor: enrolled once per station, a fresh code at each sign-in.
  const authenticator = await signInAuthenticator(
    { base: consoleOf(station), dir: station.dir },
    as.operator,
  );
  await page.goto(consoleOf(station));
  await page.getByLabel("Operator").fill(as.operator);
  await page.getByLabel("Password").fill(as.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (authenticator !== undefined) {
    await page.getByLabel("Code", { exact: true }).fill(nextCode(authenticator));
    await page.getByRole("button", { name: "Sign in" }).click();
  }
  await page.getByRole("heading", { name: line }).first().waitFor();
  return page;
}

/** Two paired stations, and Debian's Chromium (headless) to open their consoles in. */
export interface PairedStationsWithBrowser extends PairedStations {
  browser: Browser;
  /** Opens a fresh browser context (its own cookies), closed by `close`. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /**
   * Opens a station's console in a fresh context at 1280×800 and signs in: with a code after the
   * password for the admin (its second factor enrolled through the API token at the first sign-in).
   *
   * @param station the station
   * @param as the operator; the station's admin unless told
   * @returns the page, on the board once it shows the line "moscow-washington"
   */
  signIn(station: TestStation, as?: Operator): Promise<Page>;
  /** Closes the contexts and the browser, stops both stations and removes their directory. */
  close(): Promise<void>;
}

/**
 * Starts and pairs Washington and Moscow (see `startPairedStations`) while Chromium launches.
 * If either fails, the other is closed again.
 *
 * @param options what to do before the stations start
 * @returns the stations, their line and the browser
 */
export async function startPairedStationsWithBrowser(
  options: PairedStationsOptions = {},
): Promise<PairedStationsWithBrowser> {
  const [paired, launched] = await Promise.allSettled([startPairedStations(options), launchChromium()]);
  if (paired.status === "rejected" || launched.status === "rejected") {
    if (paired.status === "fulfilled") await paired.value.close();
    if (launched.status === "fulfilled") await launched.value.close();
    throw paired.status === "rejected" ? paired.reason : (launched as PromiseRejectedResult).reason;
  }
  const stations = paired.value;
  const browser = launched.value;
  const contexts: BrowserContext[] = [];
  const newContext = async (contextOptions?: BrowserContextOptions) => {
    const context = await browser.newContext(contextOptions);
    contexts.push(context);
    return context;
  };
  return {
    ...stations,
    browser,
    newContext,
    async signIn(station, as = { operator: "admin", password: station.adminPassword }) {
      const context = await newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
      return signInConsole(context, station, "moscow-washington", as);
    },
    async close() {
      for (const context of contexts) await context.close();
      await browser.close();
      await stations.close();
    },
  };
}
