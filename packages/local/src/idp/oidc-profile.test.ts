import { createServer, type Server } from "node:http";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { close, listen } from "../http/listen.ts";
import {
  type Browser,
  createRelyingParty,
  createTestBrowser,
  formAction,
  formField,
  hostedLogin,
  type RelyingParty,
  startLogin,
} from "../testing/idp.ts";
import { type LocalIdp, startIdp } from "./start-idp.ts";

const appOrigin = "http://localhost:3994";
const redirectUri = `${appOrigin}/auth/callback`;
const postLogoutUri = `${appOrigin}/`;
const web = { clientId: "local-web", clientSecret: "web-secret-for-oidc-profile-tests" };
const backchannelEvent = "http://schemas.openid.net/event/backchannel-logout";

/** A stand-in for the BFF's `POST /auth/backchannel-logout`: records each logout token and answers with `status`. */
interface Receiver {
  readonly url: string;
  readonly tokens: string[];
  status: number;
  stop(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const tokens: string[] = [];
  const receiver = { tokens, status: 200 } as { tokens: string[]; status: number };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      if (req.method === "POST" && req.headers["content-type"] === "application/x-www-form-urlencoded") {
        tokens.push(form.get("logout_token") ?? "");
      }
      res.writeHead(receiver.status, { "cache-control": "no-store" }).end();
    });
  });
  const port = await listen(server, 0, "127.0.0.1", "Back-channel receiver");
  return Object.assign(receiver, {
    url: `http://localhost:${port}/auth/backchannel-logout`,
    stop: () => close(server),
  });
}

let receiver: Receiver;
let idp: LocalIdp;
let rp: RelyingParty;

beforeAll(async () => {
  receiver = await startReceiver();
  idp = await startIdp({
    port: 0,
    keysDir: null,
    profile: "oidc",
    backchannelLogoutUri: receiver.url,
    clients: {
      web: { ...web, redirectUris: [redirectUri], postLogoutRedirectUris: [postLogoutUri] },
      m2m: { clientId: "m2m", clientSecret: "m2m" },
    },
  });
  rp = await createRelyingParty(idp.issuer, web, redirectUri);
});

afterAll(async () => {
  await idp.stop();
  await receiver.stop();
});

afterEach(() => {
  receiver.tokens.length = 0;
  receiver.status = 200;
});

/** Ends `browser`'s IdP session at the end-session endpoint, as a user does at the IdP: the page, then "Sign out". */
async function endSessionAtIdp(browser: Browser, params: Record<string, string> = {}) {
  const query = new URLSearchParams(params).toString();
  const confirmation = await browser.follow(`${idp.issuer}/session/end${query ? `?${query}` : ""}`, postLogoutUri);
  const action = formAction(confirmation.body, confirmation.url) ?? "";
  const done = await browser.follow(action, postLogoutUri, { form: { xsrf: formField(confirmation.body, "xsrf") ?? "", logout: "yes" } });
  return { confirmation, done };
}

async function hasSession(browser: Browser): Promise<boolean> {
  const { page } = await startLogin(rp, { browser });
  return page.location?.startsWith(redirectUri) === true && new URL(page.location).searchParams.has("code");
}

describe("local IdP, oidc profile: discovery", () => {
  it("lists the end-session and revocation endpoints and back-channel logout with sessions", async () => {
    // Act
    const discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;

    // Assess
    expect(discovery).toMatchObject({
      issuer: idp.issuer,
      end_session_endpoint: `${idp.issuer}/session/end`,
      revocation_endpoint: `${idp.issuer}/oauth2/revoke`,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      code_challenge_methods_supported: ["S256"],
    });
  });
});

describe("local IdP, oidc profile: back-channel logout", () => {
  it("puts the IdP session's sid in the ID token, one per browser", async () => {
    // Act
    const first = await hostedLogin(rp, "alice", "alice-demo-password");
    const second = await hostedLogin(rp, "alice", "alice-demo-password");

    // Assess
    const sids = [first.tokens.claims()?.sid, second.tokens.claims()?.sid];
    expect(sids).toEqual([expect.any(String), expect.any(String)]);
    expect(sids[0]).not.toBe(sids[1]);
  });

  it("sends exactly one signed logout token for the ended session's sid, and none for another browser's session", async () => {
    // Prepare: the same user in two browsers, each with its own IdP session
    const one = await hostedLogin(rp, "alice", "alice-demo-password");
    const two = await hostedLogin(rp, "alice", "alice-demo-password");
    const sidOne = one.tokens.claims()?.sid;
    const sidTwo = two.tokens.claims()?.sid;
    const sentBefore = idp.backchannelLogouts.sent.length;

    // Act: browser one ends its IdP session at the IdP itself (not through the app)
    const { done } = await endSessionAtIdp(one.browser);

    // Assess: the token reached the receiver before the IdP answered the browser
    expect(done.status).toBe(200);
    expect(done.body).toContain("You have signed out");
    expect(receiver.tokens).toHaveLength(1);
    const token = receiver.tokens[0] ?? "";
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${idp.issuer}/.well-known/jwks.json`)), {
      issuer: idp.issuer,
      audience: web.clientId,
      typ: "logout+jwt",
    });
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload.events).toEqual({ [backchannelEvent]: {} });
    expect(payload.sid).toBe(sidOne);
    expect(payload.sub).toBe(one.tokens.claims()?.sub);
    expect(payload).not.toHaveProperty("nonce");
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.iat).toEqual(expect.any(Number));
    expect(idp.backchannelLogouts.sent.slice(sentBefore)).toEqual([
      { clientId: web.clientId, sub: one.tokens.claims()?.sub, sid: sidOne, outcome: "delivered", token },
    ]);
    expect(receiver.tokens.map((sent) => decodeJwt(sent).sid)).not.toContain(sidTwo);
    expect(await hasSession(one.browser)).toBe(false);
    expect(await hasSession(two.browser)).toBe(true);
  });

  it("records a logout token the receiver refuses as failed, and still ends the session", async () => {
    // Prepare
    const { browser, tokens } = await hostedLogin(rp, "bob", "bob-demo-password");
    receiver.status = 400;
    const sentBefore = idp.backchannelLogouts.sent.length;

    // Act
    const { done } = await endSessionAtIdp(browser);

    // Assess
    expect(done.status).toBe(200);
    expect(receiver.tokens).toHaveLength(1);
    expect(decodeProtectedHeader(receiver.tokens[0] ?? "").typ).toBe("logout+jwt");
    expect(idp.backchannelLogouts.sent.slice(sentBefore)).toEqual([
      {
        clientId: web.clientId,
        sub: tokens.claims()?.sub,
        sid: tokens.claims()?.sid,
        outcome: "failed",
        error: expect.stringContaining("400"),
        token: receiver.tokens[0],
      },
    ]);
    expect(await hasSession(browser)).toBe(false);
  });

  it("keeps the refresh tokens of an ended session: the relying party ends its own session on the logout token", async () => {
    // Prepare
    const { browser, tokens } = await hostedLogin(rp, "bob", "bob-demo-password");

    // Act
    await endSessionAtIdp(browser);

    // Assess
    await expect(rp.lib.refreshTokenGrant(rp.config, tokens.refresh_token ?? "")).resolves.toHaveProperty("access_token");
  });
});

describe("local IdP, oidc profile: RP-initiated logout", () => {
  it("signs out without an id_token_hint and redirects to the registered post-logout URL", async () => {
    // Prepare
    const { browser } = await hostedLogin(rp, "alice", "alice-demo-password");
    const endSessionUrl = rp.lib.buildEndSessionUrl(rp.config, { client_id: web.clientId, post_logout_redirect_uri: postLogoutUri });

    // Act
    const confirmation = await browser.follow(endSessionUrl.href, postLogoutUri);
    const action = formAction(confirmation.body, confirmation.url);
    const done = await browser.follow(action ?? "", postLogoutUri, {
      form: { xsrf: formField(confirmation.body, "xsrf") ?? "", logout: "yes" },
    });

    // Assess
    expect(confirmation.status).toBe(200);
    const nonce = /<script nonce="([^"]+)">/.exec(confirmation.body)?.[1];
    expect(confirmation.headers.get("content-security-policy")).toContain(`script-src 'nonce-${nonce}'`);
    expect(done.location).toBe(postLogoutUri);
    expect(await hasSession(browser)).toBe(false);
  });

  it("refuses a post-logout URL that is not registered", async () => {
    // Prepare
    const endSessionUrl = rp.lib.buildEndSessionUrl(rp.config, {
      client_id: web.clientId,
      post_logout_redirect_uri: "https://evil.example/",
    });

    // Act
    const response = await createTestBrowser().follow(endSessionUrl.href, "https://evil.example/");

    // Assess
    expect(response.status).toBe(400);
    expect(response.location).toBeUndefined();
    expect(response.body).toContain("invalid_request");
    expect(response.body).not.toMatch(/at .*\.js:\d+/);
  });

  it("has no Cognito /logout", async () => {
    // Act
    const answer = await createTestBrowser().request(`${idp.issuer}/logout?client_id=${web.clientId}&logout_uri=${postLogoutUri}`);

    // Assess
    expect(answer.status).toBe(404);
  });
});
