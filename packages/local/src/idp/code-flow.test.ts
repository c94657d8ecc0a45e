import { captureOutput } from "@spa-bff/core/testing";
import { decodeJwt } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createRelyingParty,
  createTestBrowser,
  formAction,
  formField,
  hostedLogin,
  type RelyingParty,
  redeemCallback,
  startLogin,
} from "../testing/idp.ts";
import { type LocalIdp, startIdp } from "./start-idp.ts";

const appOrigin = "http://localhost:3999";
const redirectUri = `${appOrigin}/auth/callback`;
const webClient = { clientId: "local-web", clientSecret: "web-secret-for-tests" };
const passwords = { alice: "alice-demo-password", bob: "bob-demo-password", carol: "carol-demo-password" } as const;

let idp: LocalIdp;
let rp: RelyingParty;

beforeAll(async () => {
  idp = await startIdp({
    port: 0,
    keysDir: null,
    clients: {
      web: { ...webClient, redirectUris: [redirectUri], postLogoutRedirectUris: [`${appOrigin}/`] },
      m2m: { clientId: "local-m2m", clientSecret: "m2m-secret-for-tests" },
    },
  });
  rp = await createRelyingParty(idp.issuer, webClient, redirectUri);
});

afterAll(async () => {
  await idp.stop();
});

afterEach(() => {
  vi.restoreAllMocks();
});

const logIn = (username: keyof typeof passwords) => hostedLogin(rp, username, passwords[username]);

/** POSTs to Cognito's revocation endpoint as the BFF does (client_secret_basic, form body). */
function revoke(form: Record<string, string>, secret = webClient.clientSecret): Promise<Response> {
  const credentials = Buffer.from(`${webClient.clientId}:${secret}`).toString("base64");
  return fetch(`${idp.issuer}/oauth2/revoke`, {
    method: "POST",
    headers: { authorization: `Basic ${credentials}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
}

describe("local IdP: authorization code flow (openid-client v6 as the RP)", () => {
  it("shows a login page with labelled username and password fields", async () => {
    // Act
    const { page } = await startLogin(rp);

    // Assess
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.body).toContain('<label for="username">Username</label>');
    expect(page.body).toContain('<label for="password">Password</label>');
    expect(page.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)/);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("issues an ID token with the user's email and name, and a Cognito-style JWT access token", async () => {
    // Act
    const { tokens } = await logIn("alice");

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
    // Cognito's ID tokens carry no `sid`: it sends no back-channel logout to match one against.
    expect(idClaims).not.toHaveProperty("sid");
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
    const { tokens } = await logIn("bob");
    const before = idp.grantCount("refresh_token");

    // Act
    const refreshed = await rp.lib.refreshTokenGrant(rp.config, tokens.refresh_token ?? "");

    // Assess
    expect(idp.grantCount("refresh_token")).toBe(before + 1);
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ token_use: "access", username: "bob", scope: "items/read items/write" });
  });

  it("treats a spent refresh token presented again as theft: refused, and every refresh token of that sign-in is revoked", async () => {
    // Prepare: a sign-in, rotated twice; the second browser's sign-in is another grant
    const { tokens } = await logIn("bob");
    const other = await logIn("bob");
    const second = await rp.lib.refreshTokenGrant(rp.config, tokens.refresh_token ?? "");
    const third = await rp.lib.refreshTokenGrant(rp.config, second.refresh_token ?? "");
    expect(await idp.inspectRefreshToken(third.refresh_token ?? "")).toBeDefined();

    // Act: the first refresh token again
    const replay = rp.lib.refreshTokenGrant(rp.config, tokens.refresh_token ?? "");

    // Assess
    await expect(replay).rejects.toMatchObject({ error: "invalid_grant" });
    expect(await idp.inspectRefreshToken(third.refresh_token ?? "")).toBeUndefined();
    await expect(rp.lib.refreshTokenGrant(rp.config, third.refresh_token ?? "")).rejects.toMatchObject({ error: "invalid_grant" });
    await expect(rp.lib.refreshTokenGrant(rp.config, other.tokens.refresh_token ?? "")).resolves.toHaveProperty("access_token");
  });

  it("requires PKCE", async () => {
    // Prepare
    const browser = createTestBrowser();
    const url = rp.lib.buildAuthorizationUrl(rp.config, { redirect_uri: redirectUri, scope: "openid" });

    // Act
    const response = await browser.follow(url.href, redirectUri);

    // Assess
    expect(response.location).toBeDefined();
    const error = new URL(response.location ?? "").searchParams;
    expect(error.get("error")).toBe("invalid_request");
    expect(error.get("error_description")).toMatch(/PKCE/);
  });

  it("refuses a scope the web client is not allowed with invalid_scope, as Cognito does, before any login page", async () => {
    // Act
    const { page } = await startLogin(rp, { scope: "openid phone" });

    // Assess
    expect(page.location?.startsWith(redirectUri)).toBe(true);
    const error = new URL(page.location ?? "").searchParams;
    expect(error.get("error")).toBe("invalid_scope");
    expect(page.body).not.toContain('name="password"');
  });

  it("never writes a token or an authorization code to the logs, and does log the login", async () => {
    // Prepare
    const output = captureOutput().text;

    // Act
    const { tokens, callback } = await logIn("alice");
    const text = output();
    vi.restoreAllMocks();

    // Assess
    expect(text).toContain('"event":"login_succeeded"');
    const authorizationCode = new URL(callback.location ?? "").searchParams.get("code") ?? "";
    for (const secret of [tokens.access_token, tokens.id_token ?? "", tokens.refresh_token ?? "", authorizationCode]) {
      expect(secret.length).toBeGreaterThan(0);
      expect(text).not.toContain(secret);
    }
  });
});

describe("local IdP: the hosted page checks the password only", () => {
  it("signs carol in with her password alone: no code is asked for or sent, as Cognito's managed login never runs the custom challenge", async () => {
    // Prepare
    idp.mailbox.clear();
    const login = await startLogin(rp);
    const action = formAction(login.page.body, login.page.url) ?? "";

    // Act
    const callback = await login.browser.follow(action, redirectUri, { form: { username: "carol", password: passwords.carol } });
    const tokens = await redeemCallback(rp, login, callback);

    // Assess
    expect(login.page.body).not.toContain('name="code"');
    expect(callback.status).toBe(303);
    expect(callback.body).not.toContain('name="code"');
    expect(tokens.claims()).toMatchObject({ "cognito:username": "carol" });
    expect(idp.mailbox.all()).toEqual([]);
  });
});

describe("local IdP: Cognito's /oauth2/revoke (RFC 7009)", () => {
  it("revokes a refresh token with 200 and an empty body; it can no longer refresh, and a second revocation is 200 too", async () => {
    // Prepare
    const { tokens } = await logIn("alice");
    const refreshToken = tokens.refresh_token ?? "";

    // Act
    const response = await revoke({ token: refreshToken, token_type_hint: "refresh_token" });
    const again = await revoke({ token: refreshToken });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    expect(again.status).toBe(200);
    await expect(rp.lib.refreshTokenGrant(rp.config, refreshToken)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("answers an access token (a JWT) with 400 unsupported_token_type and leaves the refresh token working", async () => {
    // Prepare
    const { tokens } = await logIn("alice");

    // Act
    const response = await revoke({ token: tokens.access_token });

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "unsupported_token_type" });
    await expect(rp.lib.refreshTokenGrant(rp.config, tokens.refresh_token ?? "")).resolves.toHaveProperty("access_token");
  });

  it("answers an unknown token with 200, a missing token with 400 invalid_request, and a wrong secret with 401 invalid_client", async () => {
    // Act
    const unknown = await revoke({ token: "not-a-token-the-idp-issued" });
    const missing = await revoke({});
    const wrongSecret = await revoke({ token: "whatever" }, "not-the-secret");

    // Assess
    expect(unknown.status).toBe(200);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: "invalid_request" });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toMatchObject({ error: "invalid_client" });
  });
});

describe("local IdP: restart", () => {
  it("keeps refresh tokens valid across stop() and start()", async () => {
    // Prepare
    const { tokens } = await logIn("alice");
    await idp.stop();
    await expect(fetch(`${idp.issuer}/.well-known/openid-configuration`)).rejects.toThrow();

    // Act
    await idp.start();
    const refreshed = await rp.lib.refreshTokenGrant(rp.config, tokens.refresh_token ?? "");

    // Assess
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ username: "alice", token_use: "access" });
  });

  it("reports each successful grant by type", async () => {
    // Prepare
    const { tokens } = await logIn("bob");
    const seen: string[] = [];
    const listener = (grantType: string) => seen.push(grantType);
    idp.on("grant", listener);
    const before = idp.grantCount("refresh_token");

    // Act
    await rp.lib.refreshTokenGrant(rp.config, tokens.refresh_token ?? "");
    await expect(rp.lib.refreshTokenGrant(rp.config, "not-a-refresh-token")).rejects.toMatchObject({ error: "invalid_grant" });
    idp.off("grant", listener);

    // Assess
    expect(seen).toEqual(["refresh_token"]);
    expect(idp.grantCount("refresh_token")).toBe(before + 1);
  });
});

describe("local IdP: login page", () => {
  it("refuses a wrong password with 401 and the message, and does not log in", async () => {
    // Prepare
    const { page, browser } = await startLogin(rp);
    const action = formAction(page.body, page.url) ?? "";

    // Act
    const response = await browser.follow(action, redirectUri, { form: { username: "alice", password: "wrong-password" } });

    // Assess
    expect(response.status).toBe(401);
    expect(response.location).toBeUndefined();
    expect(response.body).toContain("Incorrect username or password.");
    expect(response.body).not.toContain("wrong-password");
    expect(formField(response.body, "username")).toBe("alice");
    const retry = await browser.follow(action, redirectUri, { form: { username: "alice", password: passwords.alice } });
    expect(retry.location?.startsWith(redirectUri)).toBe(true);
  });

  it("gives an unknown user the same message", async () => {
    // Prepare
    const { page, browser } = await startLogin(rp);
    const action = formAction(page.body, page.url) ?? "";

    // Act
    const response = await browser.follow(action, redirectUri, { form: { username: "mallory", password: passwords.alice } });

    // Assess
    expect(response.status).toBe(401);
    expect(response.location).toBeUndefined();
    expect(response.body).toContain("Incorrect username or password.");
  });

  it("escapes the echoed username", async () => {
    // Prepare
    const { page, browser } = await startLogin(rp);
    const action = formAction(page.body, page.url) ?? "";

    // Act
    const response = await browser.follow(action, redirectUri, { form: { username: '"><script>alert(1)</script>', password: "x" } });

    // Assess
    expect(response.status).toBe(401);
    expect(response.body).not.toContain("<script>alert(1)</script>");
    expect(response.body).toContain("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("refuses a login form posted without the interaction cookie", async () => {
    // Prepare
    const { page } = await startLogin(rp);
    const action = formAction(page.body, page.url) ?? "";

    // Act
    const response = await createTestBrowser().request(action, { form: { username: "alice", password: passwords.alice } });

    // Assess
    expect(response.status).toBe(400);
    expect(response.location).toBeUndefined();
    expect(response.body).toContain("invalid_request");
  });
});
