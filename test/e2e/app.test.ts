/**
 * Browser end-to-end: Debian Chromium (never a downloaded browser) drives the
 * built SPA through the local platform, the way a person would use it.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Platform } from "@spa-bff/local";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type E2eStack, JWT_PATTERN, startE2e, submitPasswordAtIdp } from "./support.ts";
import { listBuiltFiles, webDist } from "./web-build.ts";

const artifactsDir = resolve(fileURLToPath(new URL("../artifacts", import.meta.url)));
const TOKEN_WORDS = /access_token|refresh_token|id_token/i;

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

/** Everything JavaScript in the page can read about itself. */
function readPageStorage(page: Page): Promise<{ cookie: string; local: string; session: string; html: string; sessionBody: string }> {
  // Runs in the page: the DOM types are not in the Node test's lib, so the globals are typed by hand.
  return page.evaluate(async () => {
    const g = globalThis as unknown as {
      document: { cookie: string; documentElement: { outerHTML: string } };
      localStorage: { length: number; key(i: number): string | null; getItem(k: string): string | null };
      sessionStorage: { length: number; key(i: number): string | null; getItem(k: string): string | null };
      fetch: typeof fetch;
    };
    const dump = (store: typeof g.localStorage) => {
      const entries: string[] = [];
      for (let i = 0; i < store.length; i += 1) {
        const key = store.key(i) ?? "";
        entries.push(`${key}=${store.getItem(key) ?? ""}`);
      }
      return entries.join("\n");
    };
    const sessionResponse = await g.fetch("/auth/session", { headers: { "X-CSRF": "1" }, credentials: "same-origin" });
    return {
      cookie: g.document.cookie,
      local: dump(g.localStorage),
      session: dump(g.sessionStorage),
      html: g.document.documentElement.outerHTML,
      sessionBody: await sessionResponse.text(),
    };
  });
}

describe("the SPA in Chromium against the local platform", () => {
  it("logs in, lists, adds and deletes an item, logs out, and never exposes a token", async () => {
    // Prepare
    const alice = e2e.demoUser("alice");
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 820 }, colorScheme: "light" });
    const page = await context.newPage();
    const requests: Request[] = [];
    const sessionBodies: Array<Promise<string>> = [];
    page.on("request", (request) => requests.push(request));
    page.on("response", (response) => {
      if (new URL(response.url()).pathname === "/auth/session") sessionBodies.push(response.text().catch(() => ""));
    });
    const appOrigin = new URL(platform.urls.app).origin;
    const idpOrigin = new URL(platform.urls.idp).origin;

    try {
      // Act: the logged-out screen, then the IdP's own login page
      await page.goto(`${platform.urls.app}/`);
      const loginButton = page.getByRole("button", { name: "Log in" });
      await loginButton.waitFor();
      await loginButton.click();
      await page.getByLabel("Username").waitFor();
      expect(new URL(page.url()).origin).toBe(idpOrigin);
      await page.getByLabel("Username").fill(alice.username);
      await page.getByLabel("Password").fill(alice.password);
      const firstList = page.waitForResponse((response) => e2e.isBff(response, "GET", "/api/items"));
      await page.locator('form button[type="submit"]').first().click();

      // Assess: back on the app, signed in as Alice, with her (empty) list
      await page.getByRole("heading", { level: 1, name: alice.name }).waitFor();
      expect(new URL(page.url()).origin).toBe(appOrigin);
      await page.getByText(alice.email, { exact: true }).waitFor();
      const listed = await firstList;
      expect(listed.status()).toBe(200);
      expect(await listed.json()).toMatchObject({ items: expect.any(Array) });
      await page.getByText("Nothing here yet").waitFor();

      // Act + Assess: the API's validation message is shown beside the field
      const titleInput = page.getByLabel("New item");
      await titleInput.fill("x".repeat(201));
      const refused = page.waitForResponse((response) => e2e.isBff(response, "POST", "/api/items"));
      await page.getByRole("button", { name: "Add item" }).click();
      const refusedBody = (await (await refused).json()) as { error: string; details?: { fields?: { title?: string } } };
      expect((await refused).status()).toBe(400);
      expect(refusedBody.error).toBe("validation_failed");
      const fieldMessage = refusedBody.details?.fields?.title;
      expect(fieldMessage).toEqual(expect.any(String));
      await page.getByText(fieldMessage ?? "", { exact: true }).waitFor();
      expect(await titleInput.getAttribute("aria-invalid")).toBe("true");

      // Act + Assess: add an item and see it
      const title = `Water the office plants ${randomUUID().slice(0, 8)}`;
      await titleInput.fill(title);
      const created = page.waitForResponse((response) => e2e.isBff(response, "POST", "/api/items"));
      await page.getByRole("button", { name: "Add item" }).click();
      expect((await created).status()).toBe(201);
      const row = page.getByRole("listitem").filter({ hasText: title });
      await row.waitFor();
      const postRequest = (await created).request();
      expect(await postRequest.headerValue("x-csrf")).toBe("1");
      expect(await postRequest.headerValue("x-amz-content-sha256")).toMatch(/^[0-9a-f]{64}$/);

      await mkdir(artifactsDir, { recursive: true });
      await page.screenshot({ path: join(artifactsDir, "logged-in.png"), fullPage: true });

      // Assess: no token reachable by JavaScript, and the cookie as the browser stored it
      const storage = await readPageStorage(page);
      for (const [where, text] of Object.entries(storage)) {
        expect(JWT_PATTERN.test(text), `a JWT in ${where}`).toBe(false);
        if (where !== "html") expect(TOKEN_WORDS.test(text), `a token field in ${where}`).toBe(false);
      }
      expect(JSON.parse(storage.sessionBody)).toMatchObject({
        authenticated: true,
        user: { sub: alice.sub, name: alice.name, email: alice.email },
      });
      const cookies = await context.cookies(platform.urls.app);
      const hostCookies = cookies.filter((cookie) => cookie.name.startsWith("__Host-"));
      expect(hostCookies).toHaveLength(1);
      const sessionCookie = hostCookies[0];
      if (!sessionCookie) throw new Error("no __Host- session cookie");
      expect(sessionCookie).toMatchObject({ httpOnly: true, secure: true, path: "/", domain: "localhost" });
      expect(["Lax", "Strict"]).toContain(sessionCookie.sameSite);
      expect(JWT_PATTERN.test(sessionCookie.value)).toBe(false);
      expect(storage.cookie).not.toContain(sessionCookie.name);
      expect(storage.cookie).not.toContain(sessionCookie.value);

      // Act + Assess: delete it
      const deleted = page.waitForResponse(
        (response) => response.request().method() === "DELETE" && new URL(response.url()).pathname.startsWith("/api/items/"),
      );
      await page.getByRole("button", { name: `Delete "${title}"` }).click();
      expect((await deleted).status()).toBe(204);
      await row.waitFor({ state: "detached" });
      await page.getByText("Nothing here yet").waitFor();

      // Act: log out, through the IdP's end-session endpoint and back
      const historyBeforeLogout = await page.evaluate(() => (globalThis as unknown as { history: { length: number } }).history.length);
      const logoutResponse = page.waitForResponse((response) => e2e.isBff(response, "POST", "/auth/logout"));
      const idpVisit = page.waitForRequest((request) => new URL(request.url()).origin === idpOrigin && request.isNavigationRequest());
      await page.getByRole("button", { name: "Log out", exact: true }).click();
      expect((await logoutResponse).status()).toBe(200);
      await idpVisit;
      // The old page shows "Logging out…" until it is gone, so this button is the new page's.
      await loginButton.waitFor();

      // Assess: logged out, the cookie gone from the browser and useless on the server
      expect(new URL(page.url()).origin).toBe(appOrigin);
      expect((await context.cookies(platform.urls.app)).filter((cookie) => cookie.name === sessionCookie.name)).toEqual([]);
      const replay = await fetch(`${platform.urls.app}/api/items`, {
        headers: { cookie: `${sessionCookie.name}=${sessionCookie.value}`, "x-csrf": "1", accept: "application/json" },
      });
      expect(replay.status).toBe(401);
      expect(await replay.json()).toMatchObject({ error: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) });

      // Act + Assess: the back button to the page that was logged in shows the logged-out state
      await page.evaluate(() => {
        (globalThis as unknown as { e2eAfterLogout: boolean }).e2eAfterLogout = true;
      });
      const historyAfterLogout = await page.evaluate(() => (globalThis as unknown as { history: { length: number } }).history.length);
      const steps = historyAfterLogout - historyBeforeLogout;
      expect(steps).toBeGreaterThan(0);
      const wentBack = page.waitForEvent("framenavigated", (frame) => frame === page.mainFrame());
      // history.go(-n) is the back button held down: it skips the IdP's self-submitting logout page. It runs after
      // evaluate has returned, so the navigation cannot destroy the context evaluate is still answering from.
      await page.evaluate((n) => {
        setTimeout(() => (globalThis as unknown as { history: { go(delta: number): void } }).history.go(-n), 0);
      }, steps);
      await wentBack;
      await page.waitForFunction(() => (globalThis as unknown as { e2eAfterLogout?: boolean }).e2eAfterLogout === undefined);
      expect(new URL(page.url()).origin).toBe(appOrigin);
      await loginButton.waitFor();
      expect(await page.getByRole("heading", { name: alice.name }).count()).toBe(0);
      expect(await page.getByRole("button", { name: "Log out", exact: true }).count()).toBe(0);

      // Act + Assess: and so does a reload
      await page.reload();
      await loginButton.waitFor();
      expect(await page.getByRole("heading", { name: alice.name }).count()).toBe(0);

      // Assess: no /auth/session answer ever carried a token, and no request from the page carried a bearer token
      const bodies = await Promise.all(sessionBodies);
      expect(bodies.length).toBeGreaterThan(0);
      for (const body of bodies) {
        expect(JWT_PATTERN.test(body)).toBe(false);
        expect(TOKEN_WORDS.test(body)).toBe(false);
      }
      const withBearer = await Promise.all(
        requests.map(async (request) => ((await request.headerValue("authorization")) ?? "").length > 0),
      );
      expect(withBearer.some(Boolean)).toBe(false);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("keeps tabs in step: a logout in one tab shows the logged-out state in the other", async () => {
    // Prepare
    const bob = e2e.demoUser("bob");
    const context = await browser.newContext({ viewport: { width: 1024, height: 700 } });
    try {
      const first = await context.newPage();
      await submitPasswordAtIdp(first, platform.urls.app, bob);
      await first.getByRole("heading", { level: 1, name: bob.name }).waitFor();
      const second = await context.newPage();
      await second.goto(`${platform.urls.app}/`);
      await second.getByRole("heading", { level: 1, name: bob.name }).waitFor();

      // Act
      await first.getByRole("button", { name: "Log out", exact: true }).click();

      // Assess: the other tab learns it over the BroadcastChannel, without a reload
      await second.getByText("You logged out in another tab.").waitFor();
      await second.getByRole("button", { name: "Log in" }).waitFor();
      // …and this tab is back from the IdP's logout on the logged-out screen (the old page shows "Logging out…", so
      // the button is the new page's). Waiting for it also keeps the context's close from racing the cross-origin
      // navigation's commit, which hangs Chromium's close (microsoft/playwright#41900).
      await first.getByRole("button", { name: "Log in" }).waitFor();
      expect(new URL(first.url()).origin).toBe(new URL(platform.urls.app).origin);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("shows a readable message for a failed login and removes auth_error from the URL", async () => {
    // Prepare
    const context = await browser.newContext();
    try {
      const page = await context.newPage();

      // Act
      await page.goto(`${platform.urls.app}/?auth_error=access_denied`);

      // Assess
      await page.getByRole("alert").filter({ hasText: "Login was cancelled or not allowed." }).waitFor();
      expect(new URL(page.url()).search).toBe("");
      await page.getByRole("button", { name: "Log in" }).waitFor();
    } finally {
      await context.close();
    }
  }, 60_000);

  it("ships a bundle with no source maps, no secrets and no token handling", async () => {
    // Prepare
    const files = listBuiltFiles();
    const texts = await Promise.all(
      files.filter((file) => /\.(js|css|html)$/.test(file)).map((file) => readFile(join(webDist, file), "utf8")),
    );
    const bundle = texts.join("\n");
    const secrets = [platform.clients.web.clientSecret, platform.clients.m2m.clientSecret, ...platform.users.map((user) => user.password)];

    // Assess
    expect(files.some((file) => file.endsWith(".map"))).toBe(false);
    expect(bundle).not.toMatch(/sourceMappingURL/);
    expect(bundle).not.toMatch(TOKEN_WORDS);
    expect(bundle).not.toMatch(/localStorage|sessionStorage|indexedDB/);
    expect(bundle).not.toMatch(/["']authorization["']|Bearer /i);
    for (const secret of secrets) expect(bundle).not.toContain(secret);
  });
});
