import { m2mClient as declaredM2mClient, webClient as declaredWebClient } from "@spa-bff/core/infra";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRelyingParty, createTestBrowser, hostedLogin, type RelyingParty } from "../testing/idp.ts";
import { cognitoWebClient, declaredIdentity, type IdentityDeclaration } from "./identity-settings.ts";
import { type LocalIdp, type StartIdpOptions, startIdp } from "./start-idp.ts";

const redirectUri = "http://localhost:3996/auth/callback";
const web = { clientId: "local-web", clientSecret: "web-secret-for-declaration-tests" };
const m2m = { clientId: "local-m2m", clientSecret: "m2m-secret-for-declaration-tests" };
const clients: StartIdpOptions["clients"] = {
  web: { ...web, redirectUris: [redirectUri], postLogoutRedirectUris: ["http://localhost:3996/"] },
  m2m,
};

/** A declaration with every lifetime changed, as a change to `@spa-bff/core/infra` would make it. */
const changed: IdentityDeclaration = {
  webClient: { ...declaredIdentity.webClient, accessTokenSeconds: 420, idTokenSeconds: 540, refreshTokenSeconds: 5400 },
  m2mClient: { ...declaredIdentity.m2mClient, accessTokenSeconds: 1200 },
};

/** The lifetimes the IdP gave a sign-in, a refresh and a machine token. */
async function issuedLifetimes(idp: LocalIdp) {
  const rp = await createRelyingParty(idp.issuer, web, redirectUri);
  const { tokens } = await hostedLogin(rp, "alice", "alice-demo-password");
  const access = decodeJwt(tokens.access_token);
  const id = decodeJwt(tokens.id_token ?? "");
  const refresh = await idp.inspectRefreshToken(tokens.refresh_token ?? "");
  const rotated = await rp.lib.refreshTokenGrant(rp.config, tokens.refresh_token ?? "");
  const rotatedRefresh = await idp.inspectRefreshToken(rotated.refresh_token ?? "");
  const machine = (await (
    await fetch(`${idp.issuer}/oauth2/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${m2m.clientId}:${m2m.clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "items/read" }),
    })
  ).json()) as { access_token: string; expires_in: number };
  const machineClaims = decodeJwt(machine.access_token);
  return {
    expiresIn: tokens.expires_in,
    accessToken: (access.exp ?? 0) - (access.iat ?? 0),
    idToken: (id.exp ?? 0) - (id.iat ?? 0),
    refreshToken: refresh ? refresh.expiresAt - refresh.issuedAt : undefined,
    rotatedRefreshExpiresAt: rotatedRefresh?.expiresAt,
    refreshExpiresAt: refresh?.expiresAt,
    rotatedAccessToken: rotated.expires_in,
    machineExpiresIn: machine.expires_in,
    machineToken: (machineClaims.exp ?? 0) - (machineClaims.iat ?? 0),
  };
}

describe("local IdP: settings from the identity declaration", () => {
  let declared: LocalIdp;
  let modified: LocalIdp;

  beforeAll(async () => {
    declared = await startIdp({ port: 0, keysDir: null, clients });
    modified = await startIdp({ port: 0, keysDir: null, clients, identity: changed });
  });

  afterAll(async () => {
    await declared.stop();
    await modified.stop();
  });

  it("issues tokens with exactly the declared lifetimes, and a rotated refresh token ends when the sign-in's does", async () => {
    // Act
    const lifetimes = await issuedLifetimes(declared);

    // Assess
    expect(declaredIdentity.webClient).toBe(declaredWebClient);
    expect(declaredIdentity.m2mClient).toBe(declaredM2mClient);
    expect(lifetimes).toMatchObject({
      expiresIn: declaredWebClient.accessTokenSeconds,
      accessToken: declaredWebClient.accessTokenSeconds,
      idToken: declaredWebClient.idTokenSeconds,
      refreshToken: declaredWebClient.refreshTokenSeconds,
      rotatedAccessToken: declaredWebClient.accessTokenSeconds,
      machineExpiresIn: declaredM2mClient.accessTokenSeconds,
      machineToken: declaredM2mClient.accessTokenSeconds,
    });
    expect(lifetimes.rotatedRefreshExpiresAt).toBe(lifetimes.refreshExpiresAt);
  });

  it("follows a changed declaration: every lifetime is the changed one", async () => {
    // Act
    const lifetimes = await issuedLifetimes(modified);

    // Assess
    expect(lifetimes).toMatchObject({
      expiresIn: 420,
      accessToken: 420,
      idToken: 540,
      refreshToken: 5400,
      rotatedAccessToken: 420,
      machineExpiresIn: 1200,
      machineToken: 1200,
    });
  });

  it("follows the declared rotation: with rotation off, a refresh keeps the same refresh token, which keeps working", async () => {
    // Prepare
    const noRotation: IdentityDeclaration = {
      ...declaredIdentity,
      webClient: { ...declaredIdentity.webClient, refreshTokenRotation: { enabled: false, retryGraceSeconds: 0 } },
    };
    const idp = await startIdp({ port: 0, keysDir: null, clients, identity: noRotation });
    try {
      const rp = await createRelyingParty(idp.issuer, web, redirectUri);
      const { tokens } = await hostedLogin(rp, "bob", "bob-demo-password");

      // Act
      const first = await rp.lib.refreshTokenGrant(rp.config, tokens.refresh_token ?? "");
      const second = await rp.lib.refreshTokenGrant(rp.config, tokens.refresh_token ?? "");

      // Assess
      expect(declaredIdentity.webClient.refreshTokenRotation.enabled).toBe(true);
      // oidc-provider repeats the unchanged token where Cognito leaves it out; either way the client keeps the one it has.
      expect(first.refresh_token).toBe(tokens.refresh_token);
      expect(second.access_token).toEqual(expect.any(String));
    } finally {
      await idp.stop();
    }
  });

  it("gives the local Cognito API's web client the same declared lifetimes, rotation and flows per login mode", () => {
    // Act
    const branded = cognitoWebClient(changed, "branded", web);
    const hosted = cognitoWebClient(declaredIdentity, "hosted", web);

    // Assess
    expect(branded).toMatchObject({
      ...web,
      accessTokenSeconds: 420,
      idTokenSeconds: 540,
      refreshTokenSeconds: 5400,
      refreshTokenRotation: declaredWebClient.refreshTokenRotation,
      explicitAuthFlows: ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    });
    expect(hosted.explicitAuthFlows).toEqual(["ALLOW_REFRESH_TOKEN_AUTH"]);
  });
});

describe("local IdP: branded login mode", () => {
  let idp: LocalIdp;
  let rp: RelyingParty;

  beforeAll(async () => {
    idp = await startIdp({ port: 0, keysDir: null, clients, loginMode: "branded" });
    rp = await createRelyingParty(idp.issuer, web, redirectUri);
  });

  afterAll(async () => {
    await idp.stop();
  });

  it("refuses the web client's authorization request with an error page: no login page, no redirect, so no way around the second factor", async () => {
    // Prepare
    const lib = rp.lib;
    const url = lib.buildAuthorizationUrl(rp.config, {
      redirect_uri: redirectUri,
      scope: "openid email profile items/read items/write",
      code_challenge: await lib.calculatePKCECodeChallenge(lib.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
      state: lib.randomState(),
    });

    // Act
    const answer = await createTestBrowser().follow(url.href);

    // Assess
    expect(declaredIdentity.webClient.allowedOauthFlows("branded")).toEqual([]);
    expect(idp.loginMode).toBe("branded");
    expect(answer.status).toBe(400);
    expect(answer.location).toBeUndefined();
    expect(answer.url.startsWith(idp.issuer)).toBe(true);
    expect(answer.body).toContain("Error code: invalid_redirect_uri");
    expect(answer.body).not.toContain('name="password"');
  });

  it("still serves the M2M client's client credentials", async () => {
    // Act
    const response = await fetch(`${idp.issuer}/oauth2/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${m2m.clientId}:${m2m.clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "items/read" }),
    });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ scope: "items/read", token_type: "Bearer" });
  });
});
