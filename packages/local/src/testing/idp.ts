/**
 * Test support for the local IdP's tests (not part of the public API): the
 * openid-client v6 that the BFF uses, as the relying party, a reader of
 * the IdP's server-rendered forms, the shared test browser as a user's
 * browser navigates (HTML accepted), and a sign-in through the hosted page
 * as the BFF's login and callback routes drive it.
 */
import type * as OpenId from "openid-client";
import type { CognitoClientSettings } from "../cognito/client-settings.ts";
import { type Answer, Browser, formAction } from "./browser.ts";

export type { Answer } from "./browser.ts";
export { Browser, formAction, formField } from "./browser.ts";

type OpenIdClient = typeof OpenId;

/** openid-client v6, the relying-party library the BFF uses. */
export async function loadOpenIdClient(): Promise<OpenIdClient> {
  return import("openid-client");
}

/** The demo users' passwords (see demo-users.ts). */
export const demoPasswords = { alice: "alice-demo-password", bob: "bob-demo-password", carol: "carol-demo-password" } as const;

/**
 * A user-pool app client as the branded sign-in uses it: custom auth only,
 * refresh-token rotation with no grace period, the deployed token lifetimes.
 */
export function customAuthClient(clientId: string, clientSecret: string): CognitoClientSettings {
  return {
    clientId,
    clientSecret,
    explicitAuthFlows: ["ALLOW_CUSTOM_AUTH"],
    refreshTokenRotation: { enabled: true, retryGraceSeconds: 0 },
    accessTokenSeconds: 900,
    idTokenSeconds: 900,
    refreshTokenSeconds: 8 * 3600,
    preventUserExistenceErrors: true,
  };
}

/** A browser whose requests accept HTML, as a navigation's do. */
export function createTestBrowser(): Browser {
  return new Browser({ headers: { accept: "text/html" } });
}

/** The web client as the BFF holds it: openid-client with the IdP's discovery. */
export interface RelyingParty {
  readonly lib: OpenIdClient;
  readonly config: OpenId.Configuration;
  readonly redirectUri: string;
}

/** Discovers `issuer` for a confidential client (client_secret_basic), over plain http as the loopback IdP needs. */
export async function createRelyingParty(
  issuer: string,
  client: { clientId: string; clientSecret: string },
  redirectUri: string,
): Promise<RelyingParty> {
  const lib = await loadOpenIdClient();
  const config = await lib.discovery(new URL(issuer), client.clientId, undefined, lib.ClientSecretBasic(client.clientSecret), {
    execute: [lib.allowInsecureRequests],
  });
  return { lib, config, redirectUri };
}

/** A code flow started as the BFF's `/auth/login` starts it, up to the IdP's answer in the browser. */
export interface StartedLogin {
  readonly browser: Browser;
  /** The IdP's answer after following its redirects: the login page, or a redirect to the app (a live IdP session). */
  readonly page: Answer;
  readonly codeVerifier: string;
  readonly state: string;
  readonly nonce: string;
}

export async function startLogin(rp: RelyingParty, options: { browser?: Browser; scope?: string } = {}): Promise<StartedLogin> {
  const { lib } = rp;
  const codeVerifier = lib.randomPKCECodeVerifier();
  const state = lib.randomState();
  const nonce = lib.randomNonce();
  const url = lib.buildAuthorizationUrl(rp.config, {
    redirect_uri: rp.redirectUri,
    scope: options.scope ?? "openid email profile items/read items/write",
    code_challenge: await lib.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  const browser = options.browser ?? createTestBrowser();
  const page = await browser.follow(url.href, rp.redirectUri);
  return { browser, page, codeVerifier, state, nonce };
}

/** Redeems the code of the redirect to the app, checking state, nonce and PKCE as the BFF's callback does. */
export async function redeemCallback(rp: RelyingParty, login: StartedLogin, callback: Answer) {
  if (!callback.location?.startsWith(rp.redirectUri)) throw new Error(`no redirect to the app: ${callback.status}`);
  return rp.lib.authorizationCodeGrant(rp.config, new URL(callback.location), {
    pkceCodeVerifier: login.codeVerifier,
    expectedState: login.state,
    expectedNonce: login.nonce,
    idTokenExpected: true,
  });
}

/**
 * Signs a user in through the hosted login page and redeems the code;
 * `browser` keeps the IdP session (a new one by default).
 */
export async function hostedLogin(rp: RelyingParty, username: string, password: string, options: { browser?: Browser } = {}) {
  const login = await startLogin(rp, options);
  const action = formAction(login.page.body, login.page.url);
  if (!action) throw new Error(`no login form (status ${login.page.status})`);
  const callback = await login.browser.follow(action, rp.redirectUri, { form: { username, password } });
  const tokens = await redeemCallback(rp, login, callback);
  return { ...login, callback, tokens };
}
