/**
 * Browser end-to-end for the sessions panel: two Chromium browsers (separate
 * contexts, so separate cookie jars and IdP sessions) logged in as one user.
 * One ends the other's session, then logs out everywhere; the other browser
 * moves to the logged-out screen at its next call, without a reload, and says
 * why (the BFF gives the reason to whichever call comes first: a poll, a
 * focus, a click).
 */
import type { Platform } from "@spa-bff/local";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type E2eStack, startE2e, submitPasswordAtIdp } from "./support.ts";

let e2e: E2eStack;
let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  e2e = await startE2e();
  ({ platform, browser } = e2e);
}, 180_000);

afterAll(async () => {
  await e2e?.stop();
});

// The BFF answers the cookie of a session ended from elsewhere with 401 session_revoked, and the app says so.
const endedMessage = "Your session was ended from another browser or device. Log in again to continue.";

async function loggedIn(context: BrowserContext, name: string): Promise<Page> {
  const page = await context.newPage();
  await submitPasswordAtIdp(page, platform.urls.app, e2e.demoUser("carol"));
  await page.getByRole("heading", { level: 1, name }).waitFor();
  return page;
}

/**
 * Makes the app look at its session again, as it does when its window gets
 * focus. Its minute poll may have looked first (a slow run takes that long);
 * the BFF then gave the same reason, so either way the next call is seen.
 */
async function nextCall(page: Page): Promise<void> {
  await page.evaluate(`window.dispatchEvent(new Event("focus"))`);
}

/** The sessions the panel lists once its list has loaded with `count` rows. */
async function listedSessions(page: Page, count: number) {
  await page.getByRole("button", { name: "Refresh sessions" }).click();
  const rows = page.getByRole("list", { name: "Your sessions" }).getByRole("listitem");
  await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(count);
  return rows;
}

describe("the sessions panel in Chromium", () => {
  it("ends another browser's session, then logs out everywhere; the other browser shows why at its next call", async () => {
    // Prepare: carol in two browsers
    const carol = e2e.demoUser("carol");
    const one = await browser.newContext();
    const two = await browser.newContext();
    try {
      const first = await loggedIn(one, carol.name);
      const second = await loggedIn(two, carol.name);

      // Assess: both sessions listed in the first browser, this one marked, one "End session" button (the other's)
      await listedSessions(first, 2);
      await first.getByText("This browser", { exact: true }).first().waitFor();
      const endOther = first.getByRole("button", { name: /^End session on / });
      expect(await endOther.count()).toBe(1);

      // Act: end the second browser's session from the first
      await endOther.click();
      await first.getByRole("button", { name: "Yes, end it" }).click();
      await first.getByText(/was ended\. That browser is logged out at its next request\./).waitFor();
      await listedSessions(first, 1);

      // Assess: the second browser's next call lands on the logged-out screen, saying why
      await nextCall(second);
      await second.getByText(endedMessage).waitFor();
      await second.getByRole("button", { name: "Log in" }).waitFor();

      // Prepare: the second browser logs in again (its IdP session still stands, so no form: single sign-on)
      await second.getByRole("button", { name: "Log in" }).click();
      await second.getByRole("heading", { level: 1, name: carol.name }).waitFor();
      await listedSessions(first, 2);

      // Act: log out everywhere from the first browser
      const everywhere = first.waitForResponse((response) => e2e.isBff(response, "POST", "/auth/logout"));
      await first.getByRole("button", { name: "Log out everywhere" }).click();
      await first.getByRole("button", { name: "Yes, log out everywhere" }).click();
      const answer = await everywhere;

      // Assess: the first browser is logged out; the second learns it at its next call
      expect(answer.status()).toBe(200);
      expect(answer.request().postDataJSON()).toEqual({ everywhere: true });
      await first.getByRole("button", { name: "Log in" }).waitFor();
      await nextCall(second);
      await second.getByText(endedMessage).waitFor();
      const left = await second.evaluate(async () => (await fetch("/auth/session", { headers: { "X-CSRF": "1" } })).json());
      expect(left).toMatchObject({ authenticated: false });
    } finally {
      await one.close();
      await two.close();
    }
  }, 180_000);
});
