import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBrowser, formAction, formField, loadOpenIdClient } from "../testing/idp.ts";
import { type LocalIdp, startIdp } from "./start-idp.ts";

const appOrigin = "http://localhost:3999";
const redirectUri = `${appOrigin}/auth/callback`;
const postLogoutUri = `${appOrigin}/`;
const webClient = { clientId: "local-web", clientSecret: "web-secret-for-tests" };

type OpenIdClient = Awaited<ReturnType<typeof loadOpenIdClient>>;

let idp: LocalIdp;
let client: OpenIdClient;
let config: InstanceType<OpenIdClient["Configuration"]>;

beforeAll(async () => {
  idp = await startIdp({
    port: 0,
    keysDir: null,
    clients: {
      web: { ...webClient, redirectUris: [redirectUri], postLogoutRedirectUris: [postLogoutUri] },
      m2m: { clientId: "local-m2m", clientSecret: "m2m-secret-for-tests" },
    },
  });
  client = await loadOpenIdClient();
  config = await client.discovery(new URL(idp.issuer), webClient.clientId, undefined, client.ClientSecretBasic(webClient.clientSecret), {
    execute: [client.allowInsecureRequests],
  });
});

afterAll(async () => {
  await idp.stop();
});

/** Starts a login as the BFF would and returns what the callback needs. */
async function startLogin(scope = "openid email profile items/read items/write") {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  const browser = createTestBrowser();
  const loginPage = await browser.follow(authorizationUrl.href, redirectUri);
  return { codeVerifier, state, nonce, browser, loginPage };
}

/** Logs a user in through the login page and redeems the code, as the BFF's callback does. */
async function logIn(username: string, password: string) {
  const login = await startLogin();
  const action = formAction(login.loginPage.body, login.loginPage.url);
  if (!action) throw new Error("no login form");
  const callback = await login.browser.follow(action, redirectUri, { form: { username, password } });
  if (!callback.location) throw new Error(`login did not redirect: ${callback.status}`);
  const tokens = await client.authorizationCodeGrant(config, new URL(callback.location), {
    pkceCodeVerifier: login.codeVerifier,
    expectedState: login.state,
    expectedNonce: login.nonce,
    idTokenExpected: true,
  });
  return { ...login, tokens };
}

describe("local IdP: authorization code flow (openid-client v6 as the RP)", () => {
  it("shows a login page with labelled username and password fields", async () => {
    // Act
    const { loginPage } = await startLogin();

    // Assess
    expect(loginPage.status).toBe(200);
    expect(loginPage.headers.get("content-type")).toMatch(/^text\/html/);
    expect(loginPage.body).toContain('<label for="username">Username</label>');
    expect(loginPage.body).toContain('<label for="password">Password</label>');
    expect(loginPage.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)/);
    expect(loginPage.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("issues an ID token with the user's email and name, and a Cognito-style JWT access token", async () => {
    // Act
    const { tokens } = await logIn("alice", "alice-demo-password");

    // Assess
    const alice = idp.users.find((user) => user.username === "alice");
    const idClaims = tokens.claims();
    expect(idClaims).toMatchObject({
      sub: alice?.sub,
      email: "alice@example.com",
      email_verified: true,
      name: "Alice Anderson",
      "cognito:username": "alice",
      token_use: "id",
    });
    const access = decodeJwt(tokens.access_token);
    expect(access).toMatchObject({
      sub: alice?.sub,
      token_use: "access",
      client_id: "local-web",
      username: "alice",
      scope: "items/read items/write",
      iss: idp.issuer,
    });
    expect(tokens.refresh_token).toEqual(expect.any(String));
  });

  it("refreshes without a resource parameter, returns a new JWT access token and rotates the refresh token", async () => {
    // Prepare
    const { tokens } = await logIn("bob", "bob-demo-password");
    const before = idp.grantCount("refresh_token");

    // Act
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? "");

    // Assess
    expect(idp.grantCount("refresh_token")).toBe(before + 1);
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ token_use: "access", username: "bob", scope: "items/read items/write" });
    await expect(client.refreshTokenGrant(config, tokens.refresh_token ?? "")).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("revokes the whole grant when a rotated refresh token is replayed", async () => {
    // Prepare
    const { tokens } = await logIn("bob", "bob-demo-password");
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? "");

    // Act
    const replay = client.refreshTokenGrant(config, tokens.refresh_token ?? "");

    // Assess
    await expect(replay).rejects.toMatchObject({ error: "invalid_grant" });
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token ?? "")).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("refuses a refresh token after it was revoked", async () => {
    // Prepare
    const { tokens } = await logIn("alice", "alice-demo-password");
    const refreshToken = tokens.refresh_token ?? "";

    // Act
    await client.tokenRevocation(config, refreshToken, { token_type_hint: "refresh_token" });

    // Assess
    await expect(client.refreshTokenGrant(config, refreshToken)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("signs out without an id_token_hint and redirects to the registered post-logout URL", async () => {
    // Prepare
    const { browser } = await logIn("alice", "alice-demo-password");
    const endSessionUrl = client.buildEndSessionUrl(config, { client_id: webClient.clientId, post_logout_redirect_uri: postLogoutUri });

    // Act
    const confirmation = await browser.follow(endSessionUrl.href, postLogoutUri);
    const xsrf = formField(confirmation.body, "xsrf");
    const action = formAction(confirmation.body, confirmation.url);
    const done = await browser.follow(action ?? "", postLogoutUri, { form: { xsrf: xsrf ?? "", logout: "yes" } });

    // Assess
    expect(confirmation.status).toBe(200);
    const nonce = /<script nonce="([^"]+)">/.exec(confirmation.body)?.[1];
    expect(confirmation.headers.get("content-security-policy")).toContain(`script-src 'nonce-${nonce}'`);
    expect(done.location).toBe(postLogoutUri);
    const again = await browser.follow(
      client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: "openid",
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: "S256",
      }).href,
      redirectUri,
    );
    expect(again.status).toBe(200);
    expect(again.body).toContain('name="password"');
  });

  it("refuses a post-logout URL that is not registered", async () => {
    // Prepare
    const browser = createTestBrowser();
    const endSessionUrl = client.buildEndSessionUrl(config, {
      client_id: webClient.clientId,
      post_logout_redirect_uri: "https://evil.example/",
    });

    // Act
    const response = await browser.follow(endSessionUrl.href, "https://evil.example/");

    // Assess
    expect(response.status).toBe(400);
    expect(response.location).toBeUndefined();
    expect(response.body).toContain("invalid_request");
    expect(response.body).not.toMatch(/at .*\.js:\d+/);
  });

  it("requires PKCE", async () => {
    // Prepare
    const browser = createTestBrowser();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: "openid" });

    // Act
    const response = await browser.follow(url.href, redirectUri);

    // Assess
    expect(response.location).toBeDefined();
    const error = new URL(response.location ?? "").searchParams;
    expect(error.get("error")).toBe("invalid_request");
    expect(error.get("error_description")).toMatch(/PKCE/);
  });
});

describe("local IdP: restart", () => {
  it("keeps refresh tokens valid across stop() and start()", async () => {
    // Prepare
    const { tokens } = await logIn("alice", "alice-demo-password");
    await idp.stop();
    await expect(fetch(`${idp.issuer}/.well-known/openid-configuration`)).rejects.toThrow();

    // Act
    await idp.start();
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? "");

    // Assess
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ username: "alice", token_use: "access" });
  });

  it("reports each successful grant by type", async () => {
    // Prepare
    const { tokens } = await logIn("bob", "bob-demo-password");
    const seen: string[] = [];
    const listener = (grantType: string) => seen.push(grantType);
    idp.on("grant", listener);
    const before = idp.grantCount("refresh_token");

    // Act
    await client.refreshTokenGrant(config, tokens.refresh_token ?? "");
    await expect(client.refreshTokenGrant(config, "not-a-refresh-token")).rejects.toMatchObject({ error: "invalid_grant" });
    idp.off("grant", listener);

    // Assess
    expect(seen).toEqual(["refresh_token"]);
    expect(idp.grantCount("refresh_token")).toBe(before + 1);
  });
});

describe("local IdP: the hosted page checks the password only", () => {
  it("signs carol in with her password alone: no code is asked for or sent, as Cognito's managed login never runs the custom challenge", async () => {
    // Prepare
    idp.mailbox.clear();

    // Act
    const { tokens, loginPage } = await logIn("carol", "carol-demo-password");

    // Assess
    expect(loginPage.body).not.toContain('name="code"');
    expect(tokens.claims()).toMatchObject({ "cognito:username": "carol" });
    expect(idp.mailbox.all()).toEqual([]);
  });
});

describe("local IdP: login page", () => {
  it("refuses a wrong password with 401 and the message, and does not log in", async () => {
    // Prepare
    const { loginPage, browser } = await startLogin();
    const action = formAction(loginPage.body, loginPage.url) ?? "";

    // Act
    const response = await browser.follow(action, redirectUri, { form: { username: "alice", password: "wrong-password" } });

    // Assess
    expect(response.status).toBe(401);
    expect(response.location).toBeUndefined();
    expect(response.body).toContain("Incorrect username or password.");
    expect(response.body).not.toContain("wrong-password");
    expect(formField(response.body, "username")).toBe("alice");
    const retry = await browser.follow(action, redirectUri, { form: { username: "alice", password: "alice-demo-password" } });
    expect(retry.location?.startsWith(redirectUri)).toBe(true);
  });

  it("gives an unknown user the same message", async () => {
    // Prepare
    const { loginPage, browser } = await startLogin();
    const action = formAction(loginPage.body, loginPage.url) ?? "";

    // Act
    const response = await browser.follow(action, redirectUri, { form: { username: "mallory", password: "alice-demo-password" } });

    // Assess
    expect(response.status).toBe(401);
    expect(response.location).toBeUndefined();
    expect(response.body).toContain("Incorrect username or password.");
  });

  it("escapes the echoed username", async () => {
    // Prepare
    const { loginPage, browser } = await startLogin();
    const action = formAction(loginPage.body, loginPage.url) ?? "";

    // Act
    const response = await browser.follow(action, redirectUri, { form: { username: '"><script>alert(1)</script>', password: "x" } });

    // Assess
    expect(response.status).toBe(401);
    expect(response.body).not.toContain("<script>alert(1)</script>");
    expect(response.body).toContain("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("refuses a login form posted without the interaction cookie", async () => {
    // Prepare
    const { loginPage } = await startLogin();
    const action = formAction(loginPage.body, loginPage.url) ?? "";

    // Act
    const response = await createTestBrowser().request(action, { form: { username: "alice", password: "alice-demo-password" } });

    // Assess
    expect(response.status).toBe(400);
    expect(response.location).toBeUndefined();
    expect(response.body).toContain("invalid_request");
  });
});
