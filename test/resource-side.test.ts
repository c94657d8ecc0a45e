/**
 * The resource side end to end on loopback: real tokens from the local IdP
 * (oidc-provider), through the local API Gateway (REST v1 semantics, with
 * authorizer caching), into the items API on dynalite, both functions run
 * as Lambda runs them (instance pools of their deployed entries).
 */
import { createHash, randomBytes } from "node:crypto";
import { routeRules } from "@spa-bff/core/infra";
import { ensureTables, repoRoot, startDynamo, startGateway, startIdp, startLocalFunctions } from "@spa-bff/local";
import { createM2mClient } from "@spa-bff/m2m";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const redirectUri = "http://localhost:3998/auth/callback";
const web = { clientId: "local-web", clientSecret: "web-secret-for-resource-tests" };
const m2m = { clientId: "local-m2m", clientSecret: "m2m-secret-for-resource-tests" };

type Stoppable = { stop(): Promise<void> };

/** Manual-redirect fetch with a per-host cookie jar: just enough browser for the IdP's login form. */
function createBrowser() {
  const jar = new Map<string, Map<string, string>>();
  return async (target: string, form?: Record<string, string>) => {
    const url = new URL(target);
    const cookies = jar.get(url.host) ?? new Map<string, string>();
    jar.set(url.host, cookies);
    const headers: Record<string, string> = { accept: "text/html" };
    if (cookies.size > 0) headers.cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    if (form) headers["content-type"] = "application/x-www-form-urlencoded";
    const response = await fetch(url, {
      method: form ? "POST" : "GET",
      headers,
      body: form ? new URLSearchParams(form).toString() : null,
      redirect: "manual",
    });
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair = ""] = setCookie.split(";");
      const name = pair.slice(0, pair.indexOf("="));
      if (/expires=Thu, 01 Jan 1970/i.test(setCookie)) cookies.delete(name);
      else cookies.set(name, pair.slice(pair.indexOf("=") + 1));
    }
    const location = response.headers.get("location");
    return {
      status: response.status,
      url: url.href,
      location: location === null ? undefined : new URL(location, url).href,
      body: await response.text(),
    };
  };
}

/** The authorization code flow with PKCE, as the BFF does it, returning the access token. */
async function userAccessToken(issuer: string, username: string, password: string, scope: string): Promise<string> {
  const metadata = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
    authorization_endpoint: string;
    token_endpoint: string;
  };
  const verifier = randomBytes(32).toString("base64url");
  const authorize = new URL(metadata.authorization_endpoint);
  authorize.search = new URLSearchParams({
    client_id: web.clientId,
    response_type: "code",
    redirect_uri: redirectUri,
    scope,
    state: randomBytes(16).toString("base64url"),
    nonce: randomBytes(16).toString("base64url"),
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  }).toString();
  const browse = createBrowser();
  const follow = async (first: Awaited<ReturnType<typeof browse>>) => {
    let page = first;
    for (let hops = 0; page.location !== undefined && !page.location.startsWith(redirectUri) && hops < 10; hops += 1)
      page = await browse(page.location);
    return page;
  };
  const loginPage = await follow(await browse(authorize.href));
  const action = /<form[^>]*action="([^"]*)"/.exec(loginPage.body)?.[1];
  if (action === undefined) throw new Error(`no login form (HTTP ${loginPage.status})`);
  const callback = await follow(await browse(new URL(action.replace(/&amp;/g, "&"), loginPage.url).href, { username, password }));
  const code = callback.location === undefined ? null : new URL(callback.location).searchParams.get("code");
  if (code === null) throw new Error(`login did not return a code (HTTP ${callback.status})`);
  const basic = Buffer.from(`${encodeURIComponent(web.clientId)}:${encodeURIComponent(web.clientSecret)}`).toString("base64");
  const token = await fetch(metadata.token_endpoint, {
    method: "POST",
    headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: verifier }).toString(),
  });
  const body = (await token.json()) as { access_token?: string; error?: string };
  if (body.access_token === undefined) throw new Error(`token request failed: ${body.error}`);
  return body.access_token;
}

describe("resource side through the local gateway", () => {
  const running: Stoppable[] = [];
  let issuer: string;
  let apiUrl: string;
  let authorizerCalls: () => number;
  let aliceToken: string;
  let bobToken: string;
  let aliceReadOnlyToken: string;

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
  };

  beforeAll(async () => {
    const dynamo = await startDynamo({ port: 0, dataDir: null });
    running.push(dynamo);
    await ensureTables(dynamo.endpoint, { Sessions: "rs-sessions", Items: "rs-items", SignInAttempts: "rs-signin-attempts" });
    const idp = await startIdp({
      port: 0,
      keysDir: null,
      clients: { web: { ...web, redirectUris: [redirectUri], postLogoutRedirectUris: ["http://localhost:3998/"] }, m2m },
    });
    running.push(idp);
    issuer = idp.issuer;
    // The authorizer and the items API run as Lambda runs them: pools of isolated instances of their deployed entries.
    const lambda = { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" };
    const functions = startLocalFunctions(repoRoot, {
      authorizer: { ...lambda, JWT_ISSUER: issuer, JWT_CLIENT_IDS: `${web.clientId},${m2m.clientId}` },
      items: { ...lambda, ITEMS_TABLE: "rs-items", DYNAMODB_ENDPOINT: dynamo.endpoint },
    });
    running.push(functions);
    const gateway = await startGateway({
      port: 0,
      stage: "local",
      routes: routeRules.map(({ method, resource }) => ({ method, resource })),
      authorizer: functions.invoke("authorizer"),
      integration: functions.invoke("items"),
    });
    running.push(gateway);
    apiUrl = gateway.url;
    authorizerCalls = () => gateway.authorizerCalls();
    const [alice, bob] = idp.users;
    if (!alice || !bob) throw new Error("the local IdP has no demo users");
    aliceToken = await userAccessToken(issuer, alice.username, alice.password, "openid email profile items/read items/write");
    bobToken = await userAccessToken(issuer, bob.username, bob.password, "openid email profile items/read items/write");
    aliceReadOnlyToken = await userAccessToken(issuer, alice.username, alice.password, "openid items/read");
  });
  afterAll(async () => {
    for (const part of running.reverse()) await part.stop();
  });

  it("shows each user only their own items", async () => {
    // Prepare
    const mine = await call(aliceToken, "POST", "/items", { title: "Alice's note" });
    const theirs = await call(bobToken, "POST", "/items", { title: "Bob's note" });
    // Act
    const aliceList = await call(aliceToken, "GET", "/items");
    const bobList = await call(bobToken, "GET", "/items");
    // Assess
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(aliceList.body.items.map((item: { id: string }) => item.id)).toContain(mine.body.id);
    expect(aliceList.body.items.map((item: { id: string }) => item.id)).not.toContain(theirs.body.id);
    expect(bobList.body.items.map((item: { id: string }) => item.id)).toEqual([theirs.body.id]);
  });

  it("does not let one user delete another user's item", async () => {
    const theirs = await call(bobToken, "POST", "/items", { title: "keep me" });
    const result = await call(aliceToken, "DELETE", `/items/${theirs.body.id}`);
    expect(result).toEqual({ status: 404, body: { error: "not_found", message: "No such item" } });
  });

  it("lets a machine token from the client-credentials grant read every user's items", async () => {
    // Prepare
    await call(aliceToken, "POST", "/items", { title: "seen by the machine" });
    const client = createM2mClient({
      issuer,
      clientId: m2m.clientId,
      clientSecret: m2m.clientSecret,
      scope: "items/read",
      apiBaseUrl: apiUrl,
    });
    // Act
    const result = await client.request("GET", "/items?limit=100");
    const whoami = await client.request("GET", "/whoami");
    // Assess
    expect(result.status).toBe(200);
    const body = result.body as { items: Array<{ owner: string }> };
    expect(new Set(body.items.map((item) => item.owner)).size).toBeGreaterThanOrEqual(2);
    expect(whoami.body).toMatchObject({ clientId: m2m.clientId, principalType: "machine" });
  });

  it("answers 400 with field errors for an invalid item", async () => {
    const result = await call(aliceToken, "POST", "/items", { title: "", extra: 1 });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({
      error: "validation_failed",
      details: { fields: { title: '"title" must not be empty', extra: 'Unknown field "extra"' } },
    });
  });

  it("keeps a read-only token from writing after its GET policy is cached", async () => {
    // Prepare
    const before = authorizerCalls();
    // Act
    const read = await call(aliceReadOnlyToken, "GET", "/items");
    const write = await call(aliceReadOnlyToken, "POST", "/items", { title: "should not exist" });
    // Assess: one authorizer call, so the POST was judged by the policy cached for the GET.
    expect(authorizerCalls() - before).toBe(1);
    expect(read.status).toBe(200);
    expect(write).toEqual({ status: 403, body: { Message: "User is not authorized to access this resource with an explicit deny" } });
  });

  it("answers 401 for a token with a forged signature and for a token that is not a JWT", async () => {
    const forged = `${aliceToken.slice(0, aliceToken.lastIndexOf("."))}.${Buffer.from("forged").toString("base64url")}`;
    expect((await call(forged, "GET", "/whoami")).status).toBe(401);
    expect((await call("not-a-jwt", "GET", "/whoami")).status).toBe(401);
  });

  it("returns the user's authorizer context from /whoami", async () => {
    const result = await call(aliceToken, "GET", "/whoami");
    expect(result).toMatchObject({ status: 200, body: { clientId: web.clientId, principalType: "user", username: "alice" } });
  });
});
