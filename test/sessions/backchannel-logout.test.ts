/**
 * OIDC Back-Channel Logout end to end: the local IdP in its `oidc` profile
 * (a generic OpenID provider; Cognito sends no logout tokens) posts a signed
 * logout token to the receiver's own public function URL (not through the
 * edge, whose origin access control wants a body hash no IdP sends) when an
 * IdP session ends at the IdP itself, and the BFF ends exactly the sessions
 * of that IdP session, on whichever instance the token lands.
 */

import { createHash } from "node:crypto";
import { formAction, formField, startTestPlatform, type TestPlatform } from "@spa-bff/local/testing";
import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, login, spaHeaders } from "../support/browser.ts";

let tp: TestPlatform;

beforeAll(async () => {
  tp = await startTestPlatform({ upstream: "recording", platform: { idpProfile: "oidc" } });
});

afterAll(async () => {
  await tp?.stop();
});

async function authenticated(browser: Browser): Promise<boolean> {
  const answer = await browser.request(`${tp.app}/auth/session`, { headers: spaHeaders(tp.app) });
  return (answer.json() as { authenticated?: boolean }).authenticated === true;
}

/** Ends the browser's session at the IdP's own end-session endpoint (not through the BFF), confirming as a user does. */
async function endSessionAtIdp(browser: Browser): Promise<number> {
  const idp = tp.platform.urls.idp;
  const confirmation = await browser.follow(`${idp}/session/end`, `${tp.app}/`);
  const action = formAction(confirmation.body, confirmation.url) ?? "";
  const done = await browser.follow(action, `${tp.app}/`, { form: { xsrf: formField(confirmation.body, "xsrf") ?? "", logout: "yes" } });
  return done.status;
}

function postLogoutToken(token: string, origin = tp.platform.urls.backchannel) {
  return fetch(`${origin}/auth/backchannel-logout`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ logout_token: token }),
  });
}

describe("back-channel logout from the local IdP", () => {
  it("ends the session of the browser whose IdP session ended, and only that one", async () => {
    // Prepare: alice in two browsers, each with its own IdP session
    const one = new Browser();
    const two = new Browser();
    await login(tp, one, "alice");
    await login(tp, two, "alice");
    const sentBefore = tp.platform.parts.idp.backchannelLogouts.sent.length;
    // Act
    const status = await endSessionAtIdp(one);
    // Assess
    expect(status).toBe(200);
    expect(tp.platform.parts.idp.backchannelLogouts.sent.slice(sentBefore)).toEqual([
      expect.objectContaining({ clientId: tp.platform.clients.web.clientId, outcome: "delivered" }),
    ]);
    expect(await authenticated(one)).toBe(false);
    expect(await authenticated(two)).toBe(true);
  });

  it("refuses a replayed logout token with 400 and ends nothing more", async () => {
    // Prepare: bob's first browser is logged out at the IdP; the token it sent is replayed after bob signs in again
    const first = new Browser();
    await login(tp, first, "bob");
    const sentBefore = tp.platform.parts.idp.backchannelLogouts.sent.length;
    await endSessionAtIdp(first);
    const token = tp.platform.parts.idp.backchannelLogouts.sent[sentBefore]?.token ?? "";
    const again = new Browser();
    await login(tp, again, "bob");
    // Act
    const replay = await postLogoutToken(token);
    // Assess
    expect(token.split(".")).toHaveLength(3);
    expect(replay.status).toBe(400);
    expect(replay.headers.get("cache-control")).toBe("no-store");
    expect(await replay.json()).toMatchObject({ error: "invalid_logout_token" });
    expect(await authenticated(again)).toBe(true);
  });

  it("refuses forged and malformed tokens with 400 invalid_logout_token", async () => {
    // Prepare: a well-formed logout token, signed by a key the IdP never published
    const { privateKey } = await generateKeyPair("RS256");
    const carol = new Browser();
    await login(tp, carol, "carol");
    const carolSub = tp.platform.users.find((user) => user.username === "carol")?.sub ?? "";
    const forged = await new SignJWT({
      sub: carolSub,
      events: { "http://schemas.openid.net/event/backchannel-logout": {} },
      jti: "forged-1",
    })
      .setProtectedHeader({ alg: "RS256", kid: "not-the-idps", typ: "logout+jwt" })
      .setIssuer(tp.platform.urls.idp)
      .setAudience(tp.platform.clients.web.clientId)
      .setIssuedAt()
      .sign(privateKey);
    // Act
    const answers = await Promise.all([forged, "not-a-jwt", "a.b.c", ""].map((token) => postLogoutToken(token)));
    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ error: "invalid_logout_token" });
    }
    expect(await authenticated(carol)).toBe(true);
  });

  it("has no way in through the edge: the site's /auth/backchannel-logout takes no logout token", async () => {
    // Prepare: a genuine token from the IdP, as in the first test
    const first = new Browser();
    await login(tp, first, "bob");
    const sentBefore = tp.platform.parts.idp.backchannelLogouts.sent.length;
    const other = new Browser();
    await login(tp, other, "bob");
    await endSessionAtIdp(first);
    const token = tp.platform.parts.idp.backchannelLogouts.sent[sentBefore]?.token ?? "";
    // Act: the same kind of post to the site's origin, with and without the body hash the edge asks of a POST
    const unhashed = await postLogoutToken(token, tp.app);
    const body = new URLSearchParams({ logout_token: token }).toString();
    const hashed = await fetch(`${tp.app}/auth/backchannel-logout`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-amz-content-sha256": createHash("sha256").update(body).digest("hex"),
      },
      body,
    });
    // Assess: refused by the edge, then unknown to the /auth function; the other browser lives on
    expect(unhashed.status).toBe(403);
    expect(hashed.status).toBe(404);
    expect(await authenticated(other)).toBe(true);
  });
});
