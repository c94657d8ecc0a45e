/**
 * The set-up every browser end-to-end suite shares: Debian Chromium (never a
 * downloaded browser), the local platform serving the built SPA on loopback
 * port 0 with a throw-away session key, and the steps of a login at the IdP.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoginMode } from "@spa-bff/core/infra";
import { type DemoUser, type Platform, startPlatform } from "@spa-bff/local";
import { type Browser, chromium, type Page, type Response } from "playwright-core";
import { ensureWebBuilt, webDist } from "./web-build.ts";

const CHROMIUM = "/usr/bin/chromium";

/** A compact JWS or JWE: base64url JSON header `{"…` is always `eyJ…`. */
export const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/;

export interface E2eStack {
  platform: Platform;
  browser: Browser;
  /** The platform's demo user of that name; throws when there is none. */
  demoUser(username: string): DemoUser;
  /** True when `response` answers `method path` on the app's origin (the BFF behind the edge). */
  isBff(response: Response, method: string, path: string): boolean;
  stop(): Promise<void>;
}

/** Starts the platform with the built SPA (and the local S3 when `s3`) and launches Chromium. */
export async function startE2e(options: { s3?: boolean; loginMode?: LoginMode } = {}): Promise<E2eStack> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is required at ${CHROMIUM} for the browser tests: apt-get install chromium (never a downloaded browser)`);
  }
  await ensureWebBuilt();
  // With dataDir null the platform gives the BFF no LOCAL_KEY_FILE; a throw-away one keeps this run self-contained.
  const keyDir = await mkdtemp(join(tmpdir(), "spa-bff-e2e-"));
  let platform: Platform | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    await platform?.stop();
    await rm(keyDir, { recursive: true, force: true });
  };
  try {
    platform = await startPlatform({
      ports: { edge: 0, idp: 0, api: 0, dynamo: 0, ...(options.s3 ? { s3: 0 } : {}) },
      dataDir: null,
      spa: { kind: "static", dir: webDist },
      bffEnv: { LOCAL_KEY_FILE: join(keyDir, "session-key.json") },
      ...(options.loginMode ? { loginMode: options.loginMode } : {}),
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--headless",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const started = platform;
  return {
    platform: started,
    browser,
    demoUser: (username) => {
      const user = started.users.find((candidate) => candidate.username === username);
      if (!user) throw new Error(`The platform has no demo user "${username}"`);
      return user;
    },
    isBff: (response, method, path) => {
      const url = new URL(response.url());
      return response.request().method() === method && url.origin === started.urls.app && url.pathname === path;
    },
    stop,
  };
}

/** Opens the app, follows "Log in" to the IdP and submits the user's password there. */
export async function submitPasswordAtIdp(page: Page, app: string, user: DemoUser): Promise<void> {
  await page.goto(`${app}/`);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByLabel("Username").waitFor();
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.locator('form button[type="submit"]').first().click();
}
