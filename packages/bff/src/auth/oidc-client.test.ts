import { webcrypto } from "node:crypto";
import { IdpError } from "@spa-bff/core";
import { importJWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { loadBffConfig } from "../config.ts";
import { createOidcClient } from "./oidc-client.ts";
import { OidcRejectedError } from "./oidc-errors.ts";

const issuer = "https://idp.example";
const baseEnv = {
  OIDC_ISSUER: issuer,
  OIDC_CLIENT_ID: "web",
  OIDC_CLIENT_SECRET: "web-secret",
  APP_ORIGIN: "https://app.example",
  SESSION_TABLE: "Sessions",
  IDENTIFIER_HASH_KEY: "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWg",
  KEY_PROVIDER: "kms",
  KMS_KEY_ID: "alias/bff",
  API_BASE_URL: "https://api.example/prod",
};

interface Call {
  url: string;
  body: string;
  authorization: string | undefined;
}

/** A scripted IdP over the `customFetch` seam: discovery metadata plus one answer per endpoint. */
function scriptedIdp(metadata: Record<string, unknown>, answers: Record<string, () => Response> = {}) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: string | URL, init?: RequestInit) => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    calls.push({ url, body: String(init?.body ?? ""), authorization: headers.get("authorization") ?? undefined });
    if (url === `${issuer}/.well-known/openid-configuration`) return Response.json({ issuer, ...metadata });
    const answer = answers[new URL(url).pathname];
    return answer ? answer() : new Response("not found", { status: 404 });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const endpoints = { authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` };

describe("createOidcClient", () => {
  it("does no discovery until first used, then caches it", async () => {
    // Prepare
    const idp = scriptedIdp(endpoints);
    const client = createOidcClient(loadBffConfig(baseEnv), { fetch: idp.fetchImpl });
    expect(idp.calls).toEqual([]);
    // Act
    const first = await client.startLogin();
    await client.startLogin();
    // Assess
    expect(idp.calls.map((call) => call.url)).toEqual([`${issuer}/.well-known/openid-configuration`]);
    const url = new URL(first.url);
    expect(url.searchParams.get("scope")).toBe("openid email profile items/read items/write");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("redirect_uri")).toBe("https://app.example/auth/callback");
    expect(url.searchParams.has("code_verifier")).toBe(false);
  });

  it("keeps the old refresh token when the IdP does not rotate it, with client_secret_basic", async () => {
    // Prepare
    const idp = scriptedIdp(endpoints, {
      "/token": () => Response.json({ access_token: "new-at", token_type: "Bearer", expires_in: 600 }),
    });
    const client = createOidcClient(loadBffConfig(baseEnv), { fetch: idp.fetchImpl });
    // Act
    const tokens = await client.refresh(
      { accessToken: "old-at", accessTokenExpiresAt: 0, refreshToken: "old-rt", scope: "items/read" },
      1000,
    );
    // Assess
    expect(tokens).toEqual({ accessToken: "new-at", accessTokenExpiresAt: 1600, refreshToken: "old-rt", scope: "items/read" });
    const tokenCall = idp.calls.find((call) => call.url === `${issuer}/token`);
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64.
    const basic = Buffer.from((tokenCall?.authorization ?? "").replace(/^Basic /, ""), "base64").toString();
    expect(basic.split(":").map(decodeURIComponent)).toEqual(["web", "web-secret"]);
    expect(new URLSearchParams(tokenCall?.body).get("grant_type")).toBe("refresh_token");
  });

  it("keeps the session's ID token (the file routes' web identity) when a refresh answers without a new one", async () => {
    // Prepare
    const idp = scriptedIdp(endpoints, {
      "/token": () => Response.json({ access_token: "new-at", token_type: "Bearer", expires_in: 600 }),
    });
    const client = createOidcClient(loadBffConfig(baseEnv), { fetch: idp.fetchImpl });
    // Act
    const tokens = await client.refresh(
      { accessToken: "old-at", accessTokenExpiresAt: 0, refreshToken: "old-rt", idToken: "old-id" },
      1000,
    );
    // Assess
    expect(tokens).toEqual({ accessToken: "new-at", accessTokenExpiresAt: 1600, refreshToken: "old-rt", idToken: "old-id" });
  });

  it("reports an invalid_grant answer as OidcRejectedError and a 5xx as IdpError", async () => {
    // Prepare
    let status = 400;
    const idp = scriptedIdp(endpoints, {
      "/token": () => Response.json(status === 400 ? { error: "invalid_grant" } : { error: "server_error" }, { status }),
    });
    const client = createOidcClient(loadBffConfig(baseEnv), { fetch: idp.fetchImpl });
    const tokens = { accessToken: "a", accessTokenExpiresAt: 0, refreshToken: "r" };
    // Act
    const rejected = await client.refresh(tokens, 0).catch((error: unknown) => error);
    status = 500;
    const down = await client.refresh(tokens, 0).catch((error: unknown) => error);
    // Assess
    expect(rejected).toBeInstanceOf(OidcRejectedError);
    expect(rejected).toMatchObject({ reason: "invalid_grant", code: "login_failed" });
    expect(down).toBeInstanceOf(IdpError);
  });

  it("builds the end-session URL from discovery, without id_token_hint", async () => {
    // Prepare
    const idp = scriptedIdp({ ...endpoints, end_session_endpoint: `${issuer}/session/end` });
    const client = createOidcClient(loadBffConfig(baseEnv), { fetch: idp.fetchImpl });
    // Act
    const url = new URL(await client.endSessionUrl());
    // Assess
    expect(`${url.origin}${url.pathname}`).toBe(`${issuer}/session/end`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: "web", post_logout_redirect_uri: "https://app.example/" });
  });

  it("uses Cognito's /logout and /oauth2/revoke on the hosted UI domain when discovery lists neither", async () => {
    // Prepare
    const idp = scriptedIdp(endpoints);
    const cognito = "https://auth.example.auth.eu-west-1.amazoncognito.com";
    const revoked: string[] = [];
    const fetchImpl = (async (input: string | URL, init?: RequestInit) => {
      if (String(input) === `${cognito}/oauth2/revoke`) {
        revoked.push(String(init?.body));
        return new Response(null, { status: 200 });
      }
      return idp.fetchImpl(input, init);
    }) as typeof fetch;
    const client = createOidcClient(loadBffConfig({ ...baseEnv, OIDC_LOGOUT_URL: `${cognito}/logout` }), { fetch: fetchImpl });
    // Act
    const url = new URL(await client.endSessionUrl());
    await client.revoke("rt-to-revoke");
    // Assess
    expect(`${url.origin}${url.pathname}`).toBe(`${cognito}/logout`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: "web", logout_uri: "https://app.example/" });
    expect(new URLSearchParams(revoked[0]).get("token")).toBe("rt-to-revoke");
  });

  it("retries discovery after a failure instead of caching it", async () => {
    // Prepare
    let up = false;
    const idp = scriptedIdp(endpoints);
    const fetchImpl = (async (input: string | URL, init?: RequestInit) => {
      if (!up) throw new TypeError("fetch failed");
      return idp.fetchImpl(input, init);
    }) as typeof fetch;
    const client = createOidcClient(loadBffConfig(baseEnv), { fetch: fetchImpl });
    // Act
    const down = await client.startLogin().catch((error: unknown) => error);
    up = true;
    const started = await client.startLogin();
    // Assess
    expect(down).toBeInstanceOf(IdpError);
    expect(started.url).toContain(`${issuer}/authorize`);
  });

  it("authenticates with private_key_jwt when OIDC_PRIVATE_KEY_JWK is set", async () => {
    // Prepare
    const pair = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as webcrypto.CryptoKeyPair;
    const privateJwk = { ...(await webcrypto.subtle.exportKey("jwk", pair.privateKey)), kid: "bff-1" };
    const publicJwk = await webcrypto.subtle.exportKey("jwk", pair.publicKey);
    const idp = scriptedIdp(endpoints, {
      "/token": () => Response.json({ access_token: "new-at", token_type: "Bearer", expires_in: 600 }),
    });
    const { OIDC_CLIENT_SECRET: _secret, ...env } = baseEnv;
    const client = createOidcClient(loadBffConfig({ ...env, OIDC_PRIVATE_KEY_JWK: JSON.stringify(privateJwk) }), { fetch: idp.fetchImpl });
    // Act
    await client.refresh({ accessToken: "a", accessTokenExpiresAt: 0, refreshToken: "r" }, 0);
    // Assess
    const body = new URLSearchParams(idp.calls.find((call) => call.url === `${issuer}/token`)?.body);
    expect(body.get("client_assertion_type")).toBe("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    const { payload, protectedHeader } = await jwtVerify(
      body.get("client_assertion") ?? "",
      await importJWK(publicJwk as Parameters<typeof importJWK>[0], "ES256"),
    );
    expect(protectedHeader).toMatchObject({ alg: "ES256", kid: "bff-1" });
    expect(payload).toMatchObject({ iss: "web", sub: "web" });
  });
});
