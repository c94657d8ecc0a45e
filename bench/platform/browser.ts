import { type Answer, Browser, formAction } from "@spa-bff/local/testing";

/**
 * The shared test browser as a user's browser navigates: every request is a
 * top-level navigation. The shared browser is node:http rather than fetch,
 * which always says "sec-fetch-mode: cors" (and mod_auth_openidc answers such
 * calls 401 instead of redirecting).
 */
export function createBrowser(): Browser {
  return new Browser({ headers: { accept: "text/html", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" } });
}

/**
 * Logs in at the local IdP: from a URL that leads to its login form, posts
 * the demo user's credentials and follows redirects until `stopAt` (or the
 * end). Returns the last answer.
 */
export async function loginAtIdp(
  browser: Browser,
  start: string,
  credentials: { username: string; password: string },
  stopAt?: string,
): Promise<Answer> {
  const page = await browser.follow(start, stopAt);
  if (stopAt !== undefined && page.location?.startsWith(stopAt)) return page;
  const action = formAction(page.body, page.url);
  if (action === undefined) throw new Error(`no login form at the IdP (HTTP ${page.status})`);
  return browser.follow(action, stopAt, { form: { username: credentials.username, password: credentials.password } });
}
