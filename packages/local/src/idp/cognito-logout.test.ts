import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, createRelyingParty, createTestBrowser, hostedLogin, type RelyingParty, startLogin } from "../testing/idp.ts";
import { type LocalIdp, startIdp } from "./start-idp.ts";

const appOrigin = "http://localhost:3995";
const redirectUri = `${appOrigin}/auth/callback`;
const logoutUri = `${appOrigin}/`;
const web = { clientId: "local-web", clientSecret: "web-secret-for-logout-tests" };

let idp: LocalIdp;
let rp: RelyingParty;

beforeAll(async () => {
  idp = await startIdp({
    port: 0,
    keysDir: null,
    clients: {
      web: { ...web, redirectUris: [redirectUri], postLogoutRedirectUris: [logoutUri] },
      m2m: { clientId: "m2m", clientSecret: "m2m" },
    },
  });
  rp = await createRelyingParty(idp.issuer, web, redirectUri);
});

afterAll(async () => {
  await idp.stop();
});

function logoutUrl(params: Record<string, string>): string {
  return `${idp.issuer}/logout?${new URLSearchParams(params)}`;
}

/** Whether `browser` still has a hosted session: a new authorization goes straight back to the app with a code. */
async function hasSession(browser: Browser): Promise<boolean> {
  const { page } = await startLogin(rp, { browser });
  if (page.location?.startsWith(redirectUri)) return new URL(page.location).searchParams.has("code");
  if (page.status === 200 && page.body.includes('name="password"')) return false;
  throw new Error(`unexpected answer to an authorization request: ${page.status}`);
}

describe("local IdP, cognito profile: the hosted GET /logout", () => {
  it("ends the browser's IdP session and redirects to the registered logout_uri, with no confirmation page", async () => {
    // Prepare
    const { browser } = await hostedLogin(rp, "alice", "alice-demo-password");
    expect(await hasSession(browser)).toBe(true);

    // Act
    const answer = await browser.request(logoutUrl({ client_id: web.clientId, logout_uri: logoutUri }));

    // Assess
    expect(answer.status).toBe(302);
    expect(answer.location).toBe(logoutUri);
    expect(answer.setCookies.some((line) => line.startsWith("_session=;"))).toBe(true);
    expect(await hasSession(browser)).toBe(false);
  });

  it("ends the session even when the browser keeps its old cookie: the session is gone at the IdP", async () => {
    // Prepare
    const { browser } = await hostedLogin(rp, "bob", "bob-demo-password");
    const host = new URL(idp.issuer).hostname;
    const cookies = browser.cookieHeader(host);

    // Act
    await createTestBrowser().request(logoutUrl({ client_id: web.clientId, logout_uri: logoutUri }), { cookieHeader: cookies });

    // Assess
    expect(await hasSession(browser)).toBe(false);
  });

  it("refuses a logout_uri that is not registered the way Cognito does (redirect_mismatch) and leaves the session alone", async () => {
    // Prepare
    const { browser } = await hostedLogin(rp, "alice", "alice-demo-password");

    // Act
    const answer = await browser.request(logoutUrl({ client_id: web.clientId, logout_uri: "https://evil.example/" }));
    const errorPage = await browser.request(answer.location ?? "");

    // Assess
    expect(answer.status).toBe(302);
    expect(answer.location).toBe(`${idp.issuer}/error?error=redirect_mismatch&client_id=${web.clientId}`);
    expect(errorPage.status).toBe(400);
    expect(errorPage.body).toContain("redirect_mismatch");
    expect(await hasSession(browser)).toBe(true);
  });

  it("with redirect_uri instead, ends the session and sends the browser to sign in again", async () => {
    // Prepare
    const { browser } = await hostedLogin(rp, "alice", "alice-demo-password");

    // Act
    const answer = await browser.request(
      logoutUrl({ client_id: web.clientId, redirect_uri: redirectUri, response_type: "code", scope: "openid" }),
    );

    // Assess
    expect(answer.status).toBe(302);
    expect(answer.location).toBe(
      `${idp.issuer}/oauth2/authorize?client_id=${web.clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=openid`,
    );
    expect(await hasSession(browser)).toBe(false);
  });

  it.each([
    [{ logout_uri: logoutUri }, "client_id"],
    [{ client_id: "not-a-client", logout_uri: logoutUri }, "client_id"],
    [{ client_id: "local-web" }, "redirect_uri"],
  ])("answers %o with a 400 page naming the missing parameter", async (params, name) => {
    // Act
    const answer = await createTestBrowser().request(logoutUrl(params));

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.location).toBeUndefined();
    expect(answer.body).toContain(`Required String parameter &#39;${name}&#39;`);
  });

  it("serves GET only", async () => {
    // Act
    const answer = await createTestBrowser().request(logoutUrl({ client_id: web.clientId, logout_uri: logoutUri }), { method: "POST" });

    // Assess
    expect(answer.status).toBe(405);
    expect(answer.headers.get("allow")).toBe("GET");
  });

  it("has no end-session endpoint and sends no back-channel logout", async () => {
    // Act
    const endSession = await createTestBrowser().request(`${idp.issuer}/session/end`);

    // Assess
    expect(endSession.status).toBe(404);
    expect(idp.backchannelLogouts.sent).toEqual([]);
  });
});
