import { request as httpRequest } from "node:http";
import {
  type AuthenticationResultType,
  CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { createCognitoSignInClient } from "@spa-bff/bff/signin";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRelyingParty, customAuthClient, demoPasswords, hostedLogin, type RelyingParty } from "../testing/idp.ts";
import { type LocalIdp, startIdp } from "./start-idp.ts";

const appOrigin = "http://localhost:3996";
const redirectUri = `${appOrigin}/auth/callback`;
const webClient = { clientId: "local-web", clientSecret: "web-secret-for-hold-tests" };
const passwords = demoPasswords;
const POOL = "eu-west-1_Holds1";
const apiClient = customAuthClient("local_web_holds", "api-secret-for-hold-tests");

let idp: LocalIdp;
let rp: RelyingParty;

beforeAll(async () => {
  idp = await startIdp({
    port: 0,
    keysDir: null,
    clients: {
      web: { ...webClient, redirectUris: [redirectUri], postLogoutRedirectUris: [`${appOrigin}/`] },
      m2m: { clientId: "local-m2m", clientSecret: "m2m-secret-for-hold-tests" },
    },
    cognito: { userPoolId: POOL, clients: [apiClient] },
  });
  rp = await createRelyingParty(idp.issuer, webClient, redirectUri);
});

afterAll(async () => {
  await idp.stop();
});

const logIn = async (username: keyof typeof passwords) => (await hostedLogin(rp, username, passwords[username])).tokens;

interface RawAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * A refresh at the token endpoint over a connection of its own, as a BFF
 * instance sends it; `abandon()` cuts the connection, as the end of a
 * Lambda instance by its timeout does.
 */
function rawRefresh(refreshToken: string): { answer: Promise<RawAnswer>; abandon(): void } {
  const body = new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }).toString();
  const request = httpRequest(`${idp.issuer}/oauth2/token`, {
    method: "POST",
    agent: false,
    headers: {
      authorization: `Basic ${Buffer.from(`${webClient.clientId}:${webClient.clientSecret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
      "content-length": Buffer.byteLength(body),
    },
  });
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown> }),
      );
      response.on("error", reject);
    });
    request.on("error", reject);
  });
  // The tests that abandon it await the refusal only after the release.
  answer.catch(() => undefined);
  request.end(body);
  return { answer, abandon: () => request.destroy() };
}

function refresh(refreshToken: string) {
  return rp.lib.refreshTokenGrant(rp.config, refreshToken);
}

describe("local IdP: holding token requests before the IdP sees them", () => {
  it("holds a refresh until released, with nothing spent meanwhile, then processes it", async () => {
    // Prepare
    const tokens = await logIn("alice");
    const refreshToken = tokens.refresh_token ?? "";
    const before = idp.grantCount("refresh_token");
    const hold = idp.holdTokenRequests({ grantType: "refresh_token", phase: "before" });

    // Act
    const refreshing = refresh(refreshToken);
    await hold.held;
    const whileHeld = { grants: idp.grantCount("refresh_token"), token: await idp.inspectRefreshToken(refreshToken) };
    hold.release();
    const refreshed = await refreshing;

    // Assess
    expect(whileHeld.grants).toBe(before);
    expect(whileHeld.token).toBeDefined();
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(idp.grantCount("refresh_token")).toBe(before + 1);
    expect(await idp.inspectRefreshToken(refreshToken)).toBeUndefined();
    expect(await hold.settled).toEqual(["processed"]);
    expect(hold.issuedRefreshTokens()).toEqual([]);
  });

  it("answers 400 invalid_grant without processing when released with reject, and the refresh token still works", async () => {
    // Prepare
    const tokens = await logIn("bob");
    const refreshToken = tokens.refresh_token ?? "";
    const before = idp.grantCount("refresh_token");
    const hold = idp.holdTokenRequests({ grantType: "refresh_token", phase: "before" });

    // Act
    const refreshing = rawRefresh(refreshToken);
    await hold.held;
    hold.release({ reject: "invalid_grant" });
    const answer = await refreshing.answer;

    // Assess
    expect(answer).toEqual({ status: 400, body: { error: "invalid_grant", error_description: "grant request is invalid" } });
    expect(idp.grantCount("refresh_token")).toBe(before);
    expect(await hold.settled).toEqual(["rejected"]);
    await expect(refresh(refreshToken)).resolves.toHaveProperty("access_token");
  });

  it("drops a held refresh whose client went away, never processing it, as if it never arrived", async () => {
    // Prepare
    const tokens = await logIn("carol");
    const refreshToken = tokens.refresh_token ?? "";
    const before = idp.grantCount("refresh_token");
    const hold = idp.holdTokenRequests({ grantType: "refresh_token", phase: "before" });

    // Act
    const refreshing = rawRefresh(refreshToken);
    await hold.held;
    refreshing.abandon();
    await hold.disconnected;
    hold.release();
    const outcomes = await hold.settled;

    // Assess
    expect(outcomes).toEqual(["dropped"]);
    await expect(refreshing.answer).rejects.toThrow();
    expect(idp.grantCount("refresh_token")).toBe(before);
    expect(await idp.inspectRefreshToken(refreshToken)).toBeDefined();
    await expect(refresh(refreshToken)).resolves.toHaveProperty("access_token");
  });

  it("holds only `count` requests of that grant type: the others pass while those wait", async () => {
    // Prepare
    const [first, second, third] = await Promise.all([logIn("alice"), logIn("bob"), logIn("carol")]);
    const hold = idp.holdTokenRequests({ grantType: "refresh_token", count: 2, phase: "before" });

    // Act
    const heldOnes = [refresh(first?.refresh_token ?? ""), refresh(second?.refresh_token ?? "")];
    await hold.held;
    const passing = await refresh(third?.refresh_token ?? "");
    const clientCredentials = await fetch(`${idp.issuer}/oauth2/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from("local-m2m:m2m-secret-for-hold-tests").toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "items/read" }),
    });
    hold.release();
    const released = await Promise.all(heldOnes);

    // Assess
    expect(passing.access_token).toEqual(expect.any(String));
    expect(clientCredentials.status).toBe(200);
    for (const tokens of released) expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(await hold.settled).toEqual(["processed", "processed"]);
  });

  it("lets token requests of other grant types through unchanged while a hold waits", async () => {
    // Prepare
    const tokens = await logIn("bob");
    const hold = idp.holdTokenRequests({ grantType: "authorization_code", phase: "before" });

    // Act
    const refreshed = await refresh(tokens.refresh_token ?? "");
    const malformed = await fetch(`${idp.issuer}/oauth2/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${webClient.clientId}:${webClient.clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=refresh_token",
    });
    hold.release();

    // Assess
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      error: "invalid_request",
      error_description: "missing required parameter 'refresh_token'",
    });
    expect(await hold.settled).toEqual([]);
  });

  it("stops holding at release(): `held` rejects if too few arrived, and later requests pass", async () => {
    // Prepare
    const tokens = await logIn("alice");
    const hold = idp.holdTokenRequests({ grantType: "refresh_token", count: 2, phase: "before" });

    // Act
    hold.release();
    const refreshed = await refresh(tokens.refresh_token ?? "");

    // Assess
    await expect(hold.held).rejects.toThrow("released with 0 of 2 requests held");
    expect(await hold.settled).toEqual([]);
    expect(refreshed.refresh_token).toEqual(expect.any(String));
  });

  it("refuses a count that is not a positive integer", () => {
    expect(() => idp.holdTokenRequests({ grantType: "refresh_token", count: 0, phase: "before" })).toThrow(TypeError);
  });
});

describe("local IdP: holding token answers after the IdP processed the request", () => {
  it("rotates the refresh token, then holds the answer until released; the client gets the held token", async () => {
    // Prepare
    const tokens = await logIn("bob");
    const refreshToken = tokens.refresh_token ?? "";
    const hold = idp.holdTokenRequests({ grantType: "refresh_token", phase: "after" });

    // Act
    const refreshing = refresh(refreshToken);
    await hold.held;
    const spentWhileHeld = (await idp.inspectRefreshToken(refreshToken)) === undefined;
    const [issued] = hold.issuedRefreshTokens();
    const issuedWhileHeld = await idp.inspectRefreshToken(issued ?? "");
    hold.release();
    const refreshed = await refreshing;

    // Assess
    expect(spentWhileHeld).toBe(true);
    expect(issuedWhileHeld).toBeDefined();
    expect(refreshed.refresh_token).toBe(issued);
    expect(await hold.settled).toEqual(["sent"]);
  });

  it("loses the answer when the client went away: the rotated token reaches no one, and the spent one then revokes the grant", async () => {
    // Prepare
    const tokens = await logIn("carol");
    const refreshToken = tokens.refresh_token ?? "";
    const hold = idp.holdTokenRequests({ grantType: "refresh_token", phase: "after" });

    // Act
    const refreshing = rawRefresh(refreshToken);
    await hold.held;
    refreshing.abandon();
    await hold.disconnected;
    hold.release();
    const outcomes = await hold.settled;
    const [lost] = hold.issuedRefreshTokens();
    const retry = refresh(refreshToken);

    // Assess
    expect(outcomes).toEqual(["lost"]);
    await expect(refreshing.answer).rejects.toThrow();
    await expect(retry).rejects.toMatchObject({ error: "invalid_grant" });
    expect(await idp.inspectRefreshToken(lost ?? "")).toBeUndefined();
  });

  it("holds an answer that is an error too, and records no token for it", async () => {
    // Prepare
    const hold = idp.holdTokenRequests({ grantType: "refresh_token", phase: "after" });

    // Act
    const refreshing = rawRefresh("not-a-refresh-token");
    await hold.held;
    hold.release();
    const answer = await refreshing.answer;

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: "invalid_grant" });
    expect(hold.issuedRefreshTokens()).toEqual([]);
    expect(await hold.settled).toEqual(["sent"]);
  });
});

describe("local IdP: holding the Cognito API's refreshes (branded sign-in)", () => {
  function sdk() {
    return new CognitoIdentityProviderClient({
      region: "eu-west-1",
      endpoint: idp.issuer,
      credentials: { accessKeyId: "unused", secretAccessKey: "unused" },
      maxAttempts: 1,
    });
  }

  async function brandedSignIn(username: keyof typeof passwords): Promise<AuthenticationResultType> {
    const adapter = createCognitoSignInClient({
      client: sdk(),
      userPoolId: POOL,
      clientId: apiClient.clientId,
      clientSecret: apiClient.clientSecret ?? "",
    });
    const step = await adapter.startWithPassword(username, passwords[username]);
    if (step.kind !== "code") throw new Error("expected the code step");
    const code = idp.mailbox.latest(username)?.code ?? "";
    const done = await adapter.answerCode(step.username, step.session, code);
    if (done.kind !== "tokens") throw new Error("expected tokens");
    return done.result;
  }

  function apiRefresh(refreshToken: string, abortSignal?: AbortSignal) {
    const command = new GetTokensFromRefreshTokenCommand({
      ClientId: apiClient.clientId,
      ClientSecret: apiClient.clientSecret,
      RefreshToken: refreshToken,
    });
    return sdk().send(command, abortSignal ? { abortSignal } : {});
  }

  const refreshes = () => idp.cognito?.counters.refreshes ?? Number.NaN;

  it("refuses a held GetTokensFromRefreshToken as Cognito refuses a refresh token, without processing it", async () => {
    // Prepare
    const tokens = await brandedSignIn("alice");
    const before = refreshes();
    const hold = idp.holdTokenRequests({ grantType: "refresh_token", phase: "before" });

    // Act
    const refreshing = apiRefresh(tokens.RefreshToken ?? "");
    await hold.held;
    hold.release({ reject: "invalid_grant" });

    // Assess
    await expect(refreshing).rejects.toMatchObject({ name: "NotAuthorizedException", message: "Invalid Refresh Token" });
    expect(refreshes()).toBe(before);
    expect(await hold.settled).toEqual(["rejected"]);
    await expect(apiRefresh(tokens.RefreshToken ?? "")).resolves.toHaveProperty("AuthenticationResult.RefreshToken");
  });

  it("drops a held GetTokensFromRefreshToken whose client gave up", async () => {
    // Prepare
    const tokens = await brandedSignIn("bob");
    const before = refreshes();
    const hold = idp.holdTokenRequests({ grantType: "refresh_token", phase: "before" });
    const abort = new AbortController();

    // Act
    const refreshing = apiRefresh(tokens.RefreshToken ?? "", abort.signal);
    refreshing.catch(() => undefined);
    await hold.held;
    abort.abort();
    await hold.disconnected;
    hold.release();

    // Assess
    await expect(refreshing).rejects.toThrow();
    expect(await hold.settled).toEqual(["dropped"]);
    expect(refreshes()).toBe(before);
    await expect(apiRefresh(tokens.RefreshToken ?? "")).resolves.toHaveProperty("AuthenticationResult.RefreshToken");
  });

  it("holds the answer of GetTokensFromRefreshToken after the rotation, with its refresh token", async () => {
    // Prepare
    const tokens = await brandedSignIn("carol");
    const hold = idp.holdTokenRequests({ grantType: "refresh_token", phase: "after" });

    // Act
    const refreshing = apiRefresh(tokens.RefreshToken ?? "");
    await hold.held;
    const countedWhileHeld = refreshes();
    hold.release();
    const refreshed = await refreshing;

    // Assess
    expect(hold.issuedRefreshTokens()).toEqual([refreshed.AuthenticationResult?.RefreshToken]);
    expect(refreshes()).toBe(countedWhileHeld);
    expect(await hold.settled).toEqual(["sent"]);
  });
});
