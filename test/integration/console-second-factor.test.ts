import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode, totpStep } from "../../src/station/mod.js";
import {
  consoleOf,
  startPairedStationsWithBrowser,
  type PairedStationsWithBrowser,
} from "../helpers/browser.js";
import { nextCode, type Authenticator } from "../helpers/second-factor.js";

/**
 * Enrolling the admin's TOTP factor in the console, in Chromium, as a new admin would: signed in
 * with the password alone, the console shows only enrolment; the key is read off the page and the
 * code computed as an authenticator app would; then signing out and in again takes a code.
 */
describe("the second factor in the console, in a real browser", () => {
  let stations: PairedStationsWithBrowser;

  beforeAll(async () => {
    stations = await startPairedStationsWithBrowser();
  });

  afterAll(async () => {
    await stations?.close();
  });

  it("an admin enrols TOTP at the first sign-in, signs out, signs in with a code, and sees it in the audit log", async () => {
    const { washington } = stations;
    const context = await stations.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
    const page = await context.newPage();
    await page.goto(consoleOf(washington));
    await page.getByLabel("Operator").fill("admin");
    await page.getByLabel("Password").fill(washington.adminPassword);
    await page.getByRole("button", { name: "Sign in" }).click();

    // Nothing but enrolment: no board, no lines.
    await page.getByText("Admins must sign in with a second factor").waitFor();
    expect(await page.getByRole("heading", { name: "moscow-washington" }).count()).toBe(0);
    await page.getByRole("button", { name: "Set up the second factor" }).click();
    const qr = page.getByRole("img", { name: "QR code for your authenticator app" });
    await qr.waitFor();
    expect(await qr.getAttribute("src")).toMatch(/^data:image\/svg\+xml/);
    const secret = ((await page.getByLabel("Secret key").textContent()) ?? "").trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const now = Date.now();
    await page.getByLabel("Code from the app").fill(totpCode(secret, now));
    await page.getByRole("button", { name: "Turn on" }).click();
    const codes = page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
    await expect.poll(() => codes.count()).toBe(10);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("heading", { name: "moscow-washington" }).first().waitFor();

    // Out, and in again: the password, then a code the app shows (not the one used at enrolment).
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Operator").fill("admin");
    await page.getByLabel("Password").fill(washington.adminPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    const app: Authenticator = { operator: "admin", secret, recoveryCodes: [], lastStep: totpStep(now) };
    await page.getByLabel("Code", { exact: true }).fill("000000");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/wrong code/i);
    await page.getByLabel("Code", { exact: true }).fill(nextCode(app));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "moscow-washington" }).first().waitFor();

    // The audit page: the sign-ins, newest first, the refused one with its code.
    await page.getByRole("link", { name: "Audit" }).click();
    const rows = page.locator(".audit-table tbody tr");
    await expect.poll(() => rows.count()).toBeGreaterThan(3);
    expect(await rows.first().textContent()).toMatch(/sign-in \(totp\).*allowed/);
    expect(await page.locator(".audit-table").textContent()).toContain("refused: BAD_SECOND_FACTOR");
    expect(await page.locator(".audit-table").textContent()).not.toContain(secret);
  });
});
