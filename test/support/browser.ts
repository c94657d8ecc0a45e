/**
 * The browser and login steps of every suite that drives the edge over real
 * HTTP: the shared test browser of the local platform (cookie jar, manual
 * redirects, raw request targets, the OAC body hash), a login through the
 * local IdP's form, the SPA's headers, and a raw-socket request for what an
 * HTTP client library refuses to send (CR/LF in a header, oversized headers).
 */
import { connect } from "node:net";
import { type Answer, type Browser, formAction } from "@spa-bff/local/testing";

export type { Answer, BrowserRequest } from "@spa-bff/local/testing";
export { Browser } from "@spa-bff/local/testing";

/** What a login needs of the platform under test: the app's origin and the demo users' passwords. */
export interface LoginSite {
  /** The edge's origin, e.g. `http://localhost:41234`. */
  app: string;
  password(username: string): string;
}

/** The SPA's headers on a JSON call to the BFF. */
export function spaHeaders(app: string): Record<string, string> {
  return { "x-csrf": "1", origin: app, "sec-fetch-site": "same-origin", accept: "application/json" };
}

/** Runs /auth/login up to the IdP's redirect back to the callback (not followed). */
export async function loginUntilCallback(site: LoginSite, browser: Browser, username: string, returnTo = "/items"): Promise<string> {
  const start = await browser.request(`${site.app}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
  if (start.status !== 302 || !start.location) throw new Error(`login did not redirect: ${start.status} ${start.body}`);
  return finishAtIdp(site, browser, start.location, username);
}

/** Completes the IdP part of a login that /auth/login sent to `idpUrl` (the login form, or single sign-on when the IdP knows the browser). */
export async function finishAtIdp(site: LoginSite, browser: Browser, idpUrl: string, username: string): Promise<string> {
  const page = await browser.follow(idpUrl, `${site.app}/`);
  if (page.location?.startsWith(`${site.app}/auth/callback`)) return page.location;
  const action = formAction(page.body, idpUrl);
  if (action === undefined) throw new Error(`no login form on the IdP page: ${page.status}`);
  const back = await browser.follow(action, `${site.app}/`, { form: { username, password: site.password(username) } });
  if (!back.location?.startsWith(`${site.app}/auth/callback`)) throw new Error(`the IdP did not redirect back: ${back.status}`);
  return back.location;
}

/** A whole login as a browser does it; returns the callback's answer and the new session cookie value. */
export async function login(
  site: LoginSite,
  browser: Browser,
  username: string,
  returnTo = "/items",
): Promise<{ answer: Answer; sessionId: string }> {
  const answer = await browser.request(await loginUntilCallback(site, browser, username, returnTo));
  const sessionId = browser.cookie(new URL(site.app).hostname, "__Host-session");
  const setsSession = answer.setCookies.some((line) => line.startsWith("__Host-session=") && !line.includes("Max-Age=0"));
  if (!setsSession || !sessionId) throw new Error(`the callback set no session: ${answer.status} ${answer.body}`);
  return { answer, sessionId };
}

/** Sends bytes as they are on a fresh connection and returns the raw answer (head and body), for requests no client library would send. */
export function rawRequest(port: number, text: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => resolve(Buffer.concat(chunks).toString("latin1")));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      // The server may reset after answering an oversized request: the answer already read is what counts.
      if (error.code === "ECONNRESET" && chunks.length > 0) resolve(Buffer.concat(chunks).toString("latin1"));
      else reject(error);
    });
    socket.end(text);
  });
}

/** The status code of a raw HTTP answer. */
export function rawStatus(answer: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
}
