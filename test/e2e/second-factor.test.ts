/**
 * Browser end-to-end for the second factor (issue 9): carol, the demo user
 * with a second factor, signs in on the local IdP with her password and the
 * code from the local mailbox, through the same Define/Create/Verify triggers
 * the user pool runs in AWS.
 */

import { type CapturedOutput, captureOutput } from "@spa-bff/core/testing";
import type { DemoUser, Platform } from "@spa-bff/local";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type E2eStack, JWT_PATTERN, startE2e, submitPasswordAtIdp } from "./support.ts";

let e2e: E2eStack;
let platform: Platform;
let browser: Browser;
/** Everything the platform's loggers wrote while the tests ran. */
let logged: CapturedOutput;

beforeAll(async () => {
  // The Powertools loggers write JSON lines to stdout/stderr; keep them to search for secrets.
  logged = captureOutput();
  e2e = await startE2e();
  ({ platform, browser } = e2e);
}, 180_000);

afterAll(async () => {
  await e2e?.stop();
  vi.restoreAllMocks();
});

function carol(): DemoUser {
  const user = platform.users.find((candidate) => candidate.username === "carol");
  if (!user?.secondFactor) throw new Error('The platform has no demo user "carol" with a second factor');
  return user;
}

/** Opens the app, follows "Log in" to the IdP and submits carol's password. */
async function signInWithPassword(page: Page): Promise<void> {
  await submitPasswordAtIdp(page, platform.urls.app, carol());
  await page.getByLabel("Verification code").waitFor();
}

/** Reads carol's latest code the way a developer would: the IdP's /dev/mailbox page, in another tab. */
async function readCodeFromMailbox(context: BrowserContext): Promise<string> {
  const mailbox = await context.newPage();
  try {
    await mailbox.goto(`${platform.urls.idp}/dev/mailbox`);
    const code = (await mailbox.locator('code[data-user="carol"]').textContent()) ?? "";
    expect(code).toMatch(/^\d{6}$/);
    return code;
  } finally {
    await mailbox.close();
  }
}

async function submitCode(page: Page, code: string): Promise<void> {
  await page.getByLabel("Verification code").fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
}

/** A six-digit code that is not `code`. */
function wrongCode(code: string): string {
  return code === "000000" ? "111111" : "000000";
}

describe("second factor in Chromium against the local platform", () => {
  it("signs carol in with her password and the code from the local mailbox, and shows her name", async () => {
    // Prepare
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signInWithPassword(page);
      await page.getByText("Enter the 6-digit code we sent to c***@example.com").waitFor();
      const code = await readCodeFromMailbox(context);
      expect(platform.parts.idp.mailbox.latest("carol")?.code).toBe(code);

      // Act
      await submitCode(page, code);

      // Assess
      await page.getByRole("heading", { level: 1, name: carol().name }).waitFor();
      expect(new URL(page.url()).origin).toBe(new URL(platform.urls.app).origin);
      await page.getByText(carol().email, { exact: true }).waitFor();
      const cookies = await context.cookies(platform.urls.app);
      expect(cookies.map((cookie) => cookie.name)).toContain("__Host-session");
    } finally {
      await context.close();
    }
  }, 120_000);

  it("fails after three wrong codes with a clear message, and carol is not signed in", async () => {
    // Prepare
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signInWithPassword(page);

      // Act + Assess: two wrong codes ask again, with a new code each time
      for (let attempt = 1; attempt <= 2; attempt += 1) {
        await submitCode(page, wrongCode(await readCodeFromMailbox(context)));
        await page.getByRole("alert").filter({ hasText: "Incorrect code. Try again." }).waitFor();
      }
      await submitCode(page, wrongCode(await readCodeFromMailbox(context)));

      // Assess: the third ends the attempt; signing in starts again at the password
      await page.getByRole("alert").filter({ hasText: "Too many incorrect codes. Sign in again." }).waitFor();
      await page.getByLabel("Password").waitFor();
      expect(await page.getByLabel("Verification code").count()).toBe(0);
      expect(new URL(page.url()).origin).toBe(new URL(platform.urls.idp).origin);
      const session = await context.request.get(`${platform.urls.app}/auth/session`, { headers: { "X-CSRF": "1" } });
      expect(await session.json()).toMatchObject({ authenticated: false });
      expect((await context.cookies(platform.urls.app)).map((cookie) => cookie.name)).not.toContain("__Host-session");
    } finally {
      await context.close();
    }
  }, 120_000);

  it("writes no code and no token to the logs", () => {
    // Prepare
    const codes = platform.parts.idp.mailbox.all().map((message) => message.code);
    const text = logged.text();

    // Assess: the captured output is the real log (the steps are in it), and no secret is
    expect(text).toContain('"event":"second_factor_required"');
    expect(text).toContain('"event":"second_factor_incorrect"');
    expect(codes.length).toBeGreaterThanOrEqual(4);
    // As a number of its own: six digits may well occur inside a timestamp or an id.
    for (const code of codes) expect(text).not.toMatch(new RegExp(`(?<![0-9])${code}(?![0-9])`));
    expect(text).not.toMatch(JWT_PATTERN);
    expect(text).not.toContain("[mailbox]");
  });
});
