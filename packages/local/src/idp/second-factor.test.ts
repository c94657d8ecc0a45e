import { ConfigError } from "@spa-bff/core";
import { captureOutput } from "@spa-bff/core/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type Answer, type Browser, createTestBrowser, formAction, loadOpenIdClient } from "../testing/idp.ts";
import { createLocalMailbox } from "./mailbox.ts";
import { createMailboxRoute } from "./mailbox-route.ts";
import { type LocalIdp, startIdp } from "./start-idp.ts";

const appOrigin = "http://localhost:3998";
const redirectUri = `${appOrigin}/auth/callback`;
const webClient = { clientId: "local-web", clientSecret: "web-secret-for-second-factor-tests" };
const carolPassword = "carol-demo-password";

type OpenIdClient = Awaited<ReturnType<typeof loadOpenIdClient>>;

let idp: LocalIdp;
let client: OpenIdClient;
let config: InstanceType<OpenIdClient["Configuration"]>;

beforeAll(async () => {
  idp = await startIdp({
    port: 0,
    keysDir: null,
    clients: {
      web: { ...webClient, redirectUris: [redirectUri], postLogoutRedirectUris: [`${appOrigin}/`] },
      m2m: { clientId: "local-m2m", clientSecret: "m2m-secret-for-second-factor-tests" },
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

afterEach(() => {
  vi.restoreAllMocks();
  idp.mailbox.clear();
});

interface Login {
  browser: Browser;
  /** The interaction URL the forms post to. */
  action: string;
  codeVerifier: string;
  state: string;
  nonce: string;
}

/** Starts a code flow as the BFF would and opens the IdP's login page. */
async function openLogin(): Promise<Login> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: "openid email profile items/read items/write",
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  const browser = createTestBrowser();
  const page = await browser.follow(authorizationUrl.href, redirectUri);
  const action = formAction(page.body, page.url);
  if (!action) throw new Error(`no login form (status ${page.status})`);
  return { browser, action, codeVerifier, state, nonce };
}

function submitPassword(login: Login, username = "carol", password = carolPassword): Promise<Answer> {
  return login.browser.follow(login.action, redirectUri, { form: { username, password } });
}

function submitCode(login: Login, code: string): Promise<Answer> {
  return login.browser.follow(login.action, redirectUri, { form: { code } });
}

function latestCode(): string {
  const code = idp.mailbox.latest("carol")?.code;
  if (!code) throw new Error("no code in the mailbox for carol");
  return code;
}

/** A six-digit code that is not `code`. */
function wrongCode(code: string): string {
  return code === "000000" ? "111111" : "000000";
}

/** Redeems the authorization code the IdP redirected with, as the BFF's callback does. */
async function redeem(login: Login, callback: Answer) {
  if (!callback.location?.startsWith(redirectUri)) throw new Error(`no redirect to the app: ${callback.status}`);
  return client.authorizationCodeGrant(config, new URL(callback.location), {
    pkceCodeVerifier: login.codeVerifier,
    expectedState: login.state,
    expectedNonce: login.nonce,
    idTokenExpected: true,
  });
}

describe("local IdP: second factor for carol (custom auth over the real triggers)", () => {
  it("asks for the code after a correct password, in an accessible form, without finishing the login", async () => {
    // Prepare
    const login = await openLogin();

    // Act
    const page = await submitPassword(login);

    // Assess
    expect(page.status).toBe(200);
    expect(page.location).toBeUndefined();
    expect(page.body).toContain("Enter the 6-digit code we sent to c***@example.com");
    expect(page.body).toContain('<label for="code">Verification code</label>');
    expect(page.body).toMatch(/<input id="code" name="code"[^>]*inputmode="numeric"[^>]*autocomplete="one-time-code"/);
    expect(page.body).not.toContain(latestCode());
    expect(idp.mailbox.latest("carol")).toMatchObject({ to: "carol@example.com", username: "carol" });
  });

  it("completes the login with the code from the mailbox, and the ID token is carol's", async () => {
    // Prepare
    const login = await openLogin();
    await submitPassword(login);

    // Act
    const callback = await submitCode(login, latestCode());
    const tokens = await redeem(login, callback);

    // Assess
    const carol = idp.users.find((user) => user.username === "carol");
    expect(tokens.claims()).toMatchObject({ sub: carol?.sub, email: "carol@example.com", name: "Carol Chen" });
  });

  it("shows the code form again after a reload, without sending another code", async () => {
    // Prepare
    const login = await openLogin();
    await submitPassword(login);
    const sent = idp.mailbox.all().length;

    // Act
    const reloaded = await login.browser.request(login.action);

    // Assess
    expect(reloaded.status).toBe(200);
    expect(reloaded.body).toContain('<label for="code">Verification code</label>');
    expect(idp.mailbox.all()).toHaveLength(sent);
  });

  it("answers a wrong code with a clear message and sends a new code that then works", async () => {
    // Prepare
    const login = await openLogin();
    await submitPassword(login);
    const first = latestCode();

    // Act
    const retry = await submitCode(login, wrongCode(first));

    // Assess
    expect(retry.status).toBe(401);
    expect(retry.body).toContain("Incorrect code. Try again.");
    expect(retry.body).toContain('<label for="code">Verification code</label>');
    expect(idp.mailbox.all().filter((message) => message.username === "carol")).toHaveLength(2);
    const tokens = await redeem(login, await submitCode(login, latestCode()));
    expect(tokens.claims()?.email).toBe("carol@example.com");
  });

  it("refuses a code from an earlier challenge once a new one was sent", async () => {
    // Prepare
    const login = await openLogin();
    await submitPassword(login);
    const earlier = latestCode();
    await submitCode(login, wrongCode(earlier));
    // Two independent draws collide once in a million; only a different code makes this a replay.
    expect(latestCode()).not.toBe(earlier);

    // Act
    const replay = await submitCode(login, earlier);

    // Assess
    expect(replay.status).toBe(401);
    expect(replay.location).toBeUndefined();
    expect(replay.body).toContain("Incorrect code. Try again.");
    const tokens = await redeem(login, await submitCode(login, latestCode()));
    expect(tokens.claims()?.email).toBe("carol@example.com");
  });

  it("fails after the third wrong code, and the login must start again at the password", async () => {
    // Prepare
    const login = await openLogin();
    await submitPassword(login);

    // Act
    await submitCode(login, wrongCode(latestCode()));
    await submitCode(login, wrongCode(latestCode()));
    const failed = await submitCode(login, wrongCode(latestCode()));

    // Assess
    expect(failed.status).toBe(401);
    expect(failed.body).toContain("Too many incorrect codes. Sign in again.");
    expect(failed.body).toContain('<label for="password">Password</label>');
    expect(failed.body).not.toContain('<label for="code">');
    const afterFailure = await submitCode(login, latestCode());
    expect(afterFailure.status).toBe(401);
    expect(afterFailure.location).toBeUndefined();
    expect(afterFailure.body).toContain("Incorrect username or password.");
    await submitPassword(login);
    const tokens = await redeem(login, await submitCode(login, latestCode()));
    expect(tokens.claims()?.email).toBe("carol@example.com");
  });

  it("answers a wrong password for carol like any other, and sends no code", async () => {
    // Prepare
    const login = await openLogin();

    // Act
    const page = await submitPassword(login, "carol", "not-her-password");

    // Assess
    expect(page.status).toBe(401);
    expect(page.body).toContain("Incorrect username or password.");
    expect(idp.mailbox.latest("carol")).toBeUndefined();
  });

  it("never writes a code, an authorization code or a token to the logs, and does log the steps", async () => {
    // Prepare
    const output = captureOutput().text;
    const login = await openLogin();

    // Act
    await submitPassword(login);
    const first = latestCode();
    await submitCode(login, wrongCode(first));
    const second = latestCode();
    const callback = await submitCode(login, second);
    const tokens = await redeem(login, callback);
    const text = output();
    vi.restoreAllMocks();

    // Assess
    expect(text).toContain('"event":"second_factor_required"');
    expect(text).toContain('"event":"second_factor_incorrect"');
    // Codes as numbers of their own: six digits may well occur inside a timestamp or an id.
    for (const code of [first, second, wrongCode(first)]) expect(text).not.toMatch(new RegExp(`(?<![0-9])${code}(?![0-9])`));
    for (const token of [tokens.access_token, tokens.id_token ?? "", tokens.refresh_token ?? ""]) {
      expect(token.length).toBeGreaterThan(0);
      expect(text).not.toContain(token);
    }
    const authorizationCode = new URL(callback.location ?? "").searchParams.get("code") ?? "";
    expect(authorizationCode).not.toBe("");
    expect(text).not.toContain(authorizationCode);
  });
});

describe("local IdP: second factor with a controlled clock", () => {
  it("refuses a correct code after its step has expired, and starts again at the password", async () => {
    // Prepare
    let clock = Date.now();
    const timed = await startIdp({
      port: 0,
      keysDir: null,
      now: () => clock,
      clients: {
        web: { ...webClient, redirectUris: [redirectUri], postLogoutRedirectUris: [`${appOrigin}/`] },
        m2m: { clientId: "local-m2m", clientSecret: "m2m-secret-for-second-factor-tests" },
      },
    });
    try {
      const timedConfig = await client.discovery(
        new URL(timed.issuer),
        webClient.clientId,
        undefined,
        client.ClientSecretBasic(webClient.clientSecret),
        { execute: [client.allowInsecureRequests] },
      );
      const authorizationUrl = client.buildAuthorizationUrl(timedConfig, {
        redirect_uri: redirectUri,
        scope: "openid",
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: "S256",
        state: client.randomState(),
      });
      const browser = createTestBrowser();
      const loginPage = await browser.follow(authorizationUrl.href, redirectUri);
      const action = formAction(loginPage.body, loginPage.url) ?? "";
      await browser.follow(action, redirectUri, { form: { username: "carol", password: carolPassword } });
      const code = timed.mailbox.latest("carol")?.code ?? "";
      clock += 6 * 60 * 1000;

      // Act
      const late = await browser.follow(action, redirectUri, { form: { code } });

      // Assess
      expect(code).toMatch(/^\d{6}$/);
      expect(late.status).toBe(401);
      expect(late.location).toBeUndefined();
      expect(late.body).toContain("Your sign-in code has expired. Sign in again.");
      expect(late.body).toContain('<label for="password">Password</label>');
    } finally {
      await timed.stop();
    }
  });
});

describe("local IdP: developer mailbox", () => {
  it("lists the latest code per user at GET /dev/mailbox", async () => {
    // Prepare
    const login = await openLogin();
    await submitPassword(login);
    await submitCode(login, wrongCode(latestCode()));
    const code = latestCode();

    // Act
    const response = await fetch(`${idp.issuer}/dev/mailbox`);
    const html = await response.text();

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(html).toContain(`<code data-user="carol">${code}</code>`);
    expect(html.match(/data-user="carol"/g)).toHaveLength(1);
    expect(html).toContain("carol@example.com");
  });

  it("refuses anything but GET on the mailbox", async () => {
    // Act
    const response = await fetch(`${idp.issuer}/dev/mailbox`, { method: "POST" });

    // Assess
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });

  it("prints nothing by default and tells a subscriber about each code", async () => {
    // Prepare
    const output = captureOutput().text;
    const mailbox = createLocalMailbox(() => 0);
    const message = { to: "carol@example.com", username: "carol", code: "314159", expiresAt: 300_000 };
    await mailbox.send(message);
    const printed: string[] = [];

    // Act
    const unsubscribe = mailbox.onMessage((line) => printed.push(line));
    await mailbox.send({ ...message, code: "271828" });
    unsubscribe();
    await mailbox.send({ ...message, code: "161803" });
    const text = output();
    vi.restoreAllMocks();

    // Assess
    expect(text).not.toMatch(/314159|271828|161803/);
    expect(printed).toEqual(["[mailbox] sign-in code for carol <carol@example.com>: 271828"]);
  });

  it("refuses to mount the mailbox on an issuer that is not loopback", () => {
    // Act
    const mount = () => createMailboxRoute({ issuer: "https://idp.example.com", mailbox: createLocalMailbox() });

    // Assess
    expect(mount).toThrow(ConfigError);
    expect(mount).toThrow(
      'Refusing to mount /dev/mailbox on "https://idp.example.com". Expected: a loopback issuer (local development only)',
    );
  });
});
