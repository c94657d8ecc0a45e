import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@spa-bff/core";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultDemoUsers } from "./demo-users.ts";
import { declaredIdentity } from "./identity-settings.ts";
import { type LocalIdp, type StartIdpOptions, startIdp } from "./start-idp.ts";

const clients: StartIdpOptions["clients"] = {
  web: {
    clientId: "local-web",
    clientSecret: "web-secret-for-tests",
    redirectUris: ["http://localhost:3999/auth/callback"],
    postLogoutRedirectUris: ["http://localhost:3999/"],
  },
  m2m: { clientId: "local-m2m", clientSecret: "m2m-secret-for-tests" },
};

interface Discovery {
  issuer: string;
  jwks_uri: string;
  token_endpoint: string;
  authorization_endpoint: string;
}

function basicAuth(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
}

async function clientCredentialsToken(tokenEndpoint: string, scope: string, secret = clients.m2m.clientSecret): Promise<Response> {
  return fetch(tokenEndpoint, {
    method: "POST",
    headers: { authorization: basicAuth(clients.m2m.clientId, secret), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", scope }),
  });
}

describe("local IdP: discovery, JWKS and client credentials", () => {
  let idp: LocalIdp;
  let discovery: Discovery;

  beforeAll(async () => {
    idp = await startIdp({ port: 0, keysDir: null, clients });
    discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Discovery;
  });

  afterAll(async () => {
    await idp.stop();
  });

  it("publishes Cognito's discovery document for its own loopback issuer: no end-session or revocation endpoint", () => {
    // Assess
    expect(idp.issuer).toBe(`http://127.0.0.1:${idp.port}`);
    expect(idp.profile).toBe("cognito");
    expect(discovery).toEqual({
      authorization_endpoint: `${idp.issuer}/oauth2/authorize`,
      id_token_signing_alg_values_supported: ["RS256"],
      issuer: idp.issuer,
      jwks_uri: `${idp.issuer}/.well-known/jwks.json`,
      response_types_supported: ["code"],
      scopes_supported: ["openid", "email", "phone", "profile"],
      subject_types_supported: ["public"],
      token_endpoint: `${idp.issuer}/oauth2/token`,
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    });
  });

  it("publishes only public signing keys", async () => {
    // Act
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: Array<Record<string, unknown>> };

    // Assess
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", kid: expect.any(String) });
    expect(jwks.keys[0]).not.toHaveProperty("d");
  });

  it("issues the M2M client a signed JWT with exactly Cognito's access token claims", async () => {
    // Prepare
    const before = idp.grantCount("client_credentials");

    // Act
    const response = await clientCredentialsToken(discovery.token_endpoint, "items/read");
    const body = (await response.json()) as { access_token: string; token_type: string; expires_in: number; scope: string };

    // Assess
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: declaredIdentity.m2mClient.accessTokenSeconds, scope: "items/read" });
    const { payload } = await jwtVerify(body.access_token, createRemoteJWKSet(new URL(discovery.jwks_uri)), { issuer: idp.issuer });
    expect(Object.keys(payload).sort()).toEqual(["aud", "client_id", "exp", "iat", "iss", "jti", "scope", "sub", "token_use"]);
    expect(payload).toMatchObject({ sub: "local-m2m", client_id: "local-m2m", token_use: "access", scope: "items/read" });
    expect(idp.grantCount("client_credentials")).toBe(before + 1);
  });

  it("refuses the M2M client a wrong secret", async () => {
    // Act
    const response = await clientCredentialsToken(discovery.token_endpoint, "items/read", "wrong-secret");

    // Assess
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "invalid_client" });
  });

  it("refuses the M2M client a scope it is not given with invalid_scope, as Cognito does, and issues nothing", async () => {
    // Prepare
    const before = idp.grantCount("client_credentials");

    // Act
    const write = await clientCredentialsToken(discovery.token_endpoint, "items/read items/write");
    const openid = await clientCredentialsToken(discovery.token_endpoint, "openid items/read");

    // Assess
    expect(declaredIdentity.m2mClient.scopes).not.toContain("items/write");
    expect(write.status).toBe(400);
    expect(await write.json()).toMatchObject({ error: "invalid_scope" });
    expect(openid.status).toBe(400);
    expect(await openid.json()).toMatchObject({ error: "invalid_scope" });
    expect(idp.grantCount("client_credentials")).toBe(before);
  });
});

describe("local IdP: keys", () => {
  let keysDir: string;

  beforeAll(async () => {
    keysDir = await mkdtemp(join(tmpdir(), "idp-keys-"));
  });

  afterAll(async () => {
    await rm(keysDir, { recursive: true, force: true });
  });

  it("writes its keys once, private to the user, and signs with the same kid after a restart", async () => {
    // Prepare
    const first = await startIdp({ port: 0, keysDir, clients });
    const firstJwks = (await (await fetch(`${first.issuer}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    await first.stop();
    const written = await readFile(join(keysDir, "idp-keys.json"), "utf8");

    // Act
    const second = await startIdp({ port: 0, keysDir, clients });
    const token = (await (await clientCredentialsToken(`${second.issuer}/oauth2/token`, "items/read")).json()) as { access_token: string };
    await second.stop();

    // Assess
    expect((await stat(join(keysDir, "idp-keys.json"))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(keysDir, "idp-keys.json"), "utf8")).toBe(written);
    expect(decodeProtectedHeader(token.access_token).kid).toBe(firstJwks.keys[0]?.kid);
  });

  it("refuses a corrupt key file and names it", async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), "idp-keys-bad-"));
    await import("node:fs/promises").then((fs) => fs.writeFile(join(dir, "idp-keys.json"), "{not json"));

    // Act
    const starting = startIdp({ port: 0, keysDir: dir, clients });

    // Assess
    await expect(starting).rejects.toThrow(ConfigError);
    await expect(starting).rejects.toMatchObject({ code: "config_invalid", message: expect.stringContaining("idp-keys.json") });
    await rm(dir, { recursive: true, force: true });
  });
});

describe("local IdP: options", () => {
  it("refuses to serve plain http on a non-loopback host", async () => {
    // Act
    const starting = startIdp({ port: 0, host: "0.0.0.0", keysDir: null, clients });

    // Assess
    await expect(starting).rejects.toThrow(ConfigError);
    await expect(starting).rejects.toMatchObject({ code: "config_invalid", message: expect.stringContaining('"0.0.0.0"') });
  });

  it("defaults to the demo users alice, bob and carol, with passwords from the environment", () => {
    // Act
    const users = defaultDemoUsers({ LOCAL_ALICE_PASSWORD: "from-env", LOCAL_CAROL_PASSWORD: "carol-from-env" });

    // Assess
    expect(users.map((user) => [user.username, user.name, user.email])).toEqual([
      ["alice", "Alice Anderson", "alice@example.com"],
      ["bob", "Bob Brown", "bob@example.com"],
      ["carol", "Carol Chen", "carol@example.com"],
    ]);
    expect(users.every((user) => !("secondFactor" in user))).toBe(true);
    expect(users[0]?.password).toBe("from-env");
    expect(users[1]?.password).toBe("bob-demo-password");
    expect(users[2]?.password).toBe("carol-from-env");
    expect(defaultDemoUsers({})[2]?.password).toBe("carol-demo-password");
    expect(users[0]?.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

describe("local IdP: configuration errors", () => {
  it.each([
    [{ profile: "oidc", loginMode: "branded" }, 'loginMode "branded" needs profile "cognito"'],
    [{ backchannelLogoutUri: "http://localhost:3999/auth/backchannel-logout" }, 'backchannelLogoutUri needs profile "oidc"'],
    [{ profile: "oidc", backchannelLogoutUri: "https://bff.example.com/auth/backchannel-logout" }, "Expected: a loopback http(s) URL"],
  ] as const)("refuses options that do not go together: %o", async (extra, message) => {
    // Act
    const starting = startIdp({ port: 0, keysDir: null, clients, ...extra });

    // Assess
    await expect(starting).rejects.toThrow(ConfigError);
    await expect(starting).rejects.toMatchObject({ code: "config_invalid", message: expect.stringContaining(message) });
  });

  it("refuses a client configuration that oidc-provider rejects, naming the client", async () => {
    // Prepare
    const badClients = { ...clients, web: { ...clients.web, redirectUris: ["not a url"] } };

    // Act
    const starting = startIdp({ port: 0, keysDir: null, clients: badClients });

    // Assess
    await expect(starting).rejects.toThrow(ConfigError);
    await expect(starting).rejects.toMatchObject({
      code: "config_invalid",
      message: expect.stringContaining('Invalid local IdP client "local-web"'),
    });
  });
});
