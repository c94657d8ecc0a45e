/**
 * Browser end-to-end for the branded sign-in (LOGIN_MODE=branded): the SPA's
 * own form, the password checked by SRP through the local Cognito API, the
 * emailed code through the user pool's deployed Define/Create/Verify
 * triggers (each in its own function pool, the code through the local SES),
 * then a Cognito-shaped token whose scopes come from the deployed
 * PreTokenGeneration trigger reaching the private API. No other path leads
 * to a session: the BFF has no code-flow routes and the IdP's page refuses
 * the web client.
 */
import type { DemoUser, Platform } from "@spa-bff/local";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type E2eStack, JWT_PATTERN, startE2e } from "./support.ts";

let e2e: E2eStack;
let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  e2e = await startE2e({ loginMode: "branded" });
  ({ platform, browser } = e2e);
}, 180_000);

afterAll(async () => {
  await e2e?.stop();
});

async function signInWithPassword(page: Page, user: DemoUser): Promise<void> {
  await page.goto(`${platform.urls.app}/`);
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("textbox", { name: "Verification code" }).waitFor();
}

describe("branded sign-in in Chromium against the local platform", () => {
  it("signs alice in with her password and the emailed code, says so, and her token lists her items at the private API", async () => {
    // Prepare
    const alice = e2e.demoUser("alice");
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signInWithPassword(page, alice);
      const code = platform.parts.idp.mailbox.latest("alice")?.code ?? "";
      expect(code).toMatch(/^\d{6}$/);
      // Act
      const items = page.waitForResponse((response) => e2e.isBff(response, "GET", "/api/items"));
      await page.getByRole("textbox", { name: "Verification code" }).fill(code);
      await page.getByRole("button", { name: "Verify" }).click();
      // Assess
      await page.getByRole("heading", { level: 1, name: alice.name }).waitFor();
      expect((await items).status()).toBe(200);
      await page.getByText("Password and a one-time code").first().waitFor();
      const session = await context.request.get(`${platform.urls.app}/auth/session`, { headers: { "X-CSRF": "1" } });
      expect(await session.json()).toMatchObject({ authenticated: true, signInMethod: "password_and_code" });
      const stored = String(await page.evaluate("JSON.stringify({ ...localStorage, ...sessionStorage, cookie: document.cookie })"));
      expect(stored).not.toMatch(JWT_PATTERN);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("offers no way to a session without the code: no /auth/login or /auth/callback, and the IdP's page refuses the web client", async () => {
    // Act
    const login = await fetch(`${platform.urls.app}/auth/login?returnTo=/`, { redirect: "manual" });
    const callback = await fetch(`${platform.urls.app}/auth/callback?code=x&state=y`, { redirect: "manual" });
    const authorize = await fetch(
      `${platform.urls.idp}/oauth2/authorize?client_id=${platform.clients.web.clientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(`${platform.urls.app}/auth/callback`)}&code_challenge=${"a".repeat(43)}&code_challenge_method=S256&state=s`,
      { redirect: "manual" },
    );
    // Assess
    expect(login.status).toBe(404);
    expect(callback.status).toBe(404);
    expect(authorize.status).toBe(400);
    expect(authorize.headers.get("location")).toBeNull();
  });
});
