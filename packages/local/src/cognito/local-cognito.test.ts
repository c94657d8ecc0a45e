import { createHmac } from "node:crypto";
import { createServer } from "node:net";
import {
  AdminUserGlobalSignOutCommand,
  type AuthenticationResultType,
  CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { CognitoSignInError, createCognitoSignInClient } from "@spa-bff/bff/signin";
import { ConfigError, createLogger } from "@spa-bff/core";
import { captureOutput } from "@spa-bff/core/testing";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createMailboxCodeSender } from "../idp/mailbox-code-sender.ts";
import { type LocalIdp, startIdp } from "../idp/start-idp.ts";
import type { CognitoClientSettings } from "./client-settings.ts";
import { createAuthChallengeTriggers } from "./in-process-triggers.ts";

const POOL = "eu-west-1_Local1";
const WEB = "local_web_client";
const SECRET = "web-secret-for-local-cognito-tests";
const passwords = { alice: "alice-demo-password", bob: "bob-demo-password", carol: "carol-demo-password" } as const;

const webClient: CognitoClientSettings = {
  clientId: WEB,
  clientSecret: SECRET,
  explicitAuthFlows: ["ALLOW_CUSTOM_AUTH"],
  refreshTokenRotation: { enabled: true, retryGraceSeconds: 10 },
  accessTokenSeconds: 900,
  idTokenSeconds: 600,
  refreshTokenSeconds: 8 * 3600,
  preventUserExistenceErrors: true,
};
/** A client as before rotation: REFRESH_TOKEN_AUTH allowed, and unknown users reported as such. */
const legacyClient: CognitoClientSettings = {
  ...webClient,
  clientId: "legacy_client",
  clientSecret: "legacy-secret",
  explicitAuthFlows: ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
  refreshTokenRotation: { enabled: false, retryGraceSeconds: 0 },
  preventUserExistenceErrors: false,
};
const srpOnlyClient: CognitoClientSettings = { ...webClient, clientId: "srp_only_client", explicitAuthFlows: ["ALLOW_USER_SRP_AUTH"] };
const { clientSecret: _unused, ...publicClientBase } = webClient;
const publicClient: CognitoClientSettings = { ...publicClientBase, clientId: "public_client" };

const bffKey = { accessKeyId: "AKIALOCALBFF0000", secretAccessKey: "local-bff-secret-access-key" };
const apiKey = { accessKeyId: "AKIALOCALAPI0000", secretAccessKey: "local-api-secret-access-key" };
const oidcClients = {
  web: {
    clientId: "local-web",
    clientSecret: "oidc-web-secret",
    redirectUris: ["http://localhost:3997/auth/callback"],
    postLogoutRedirectUris: [],
  },
  m2m: { clientId: "local-m2m", clientSecret: "oidc-m2m-secret" },
};

let nowMs = Date.now();
let idp: LocalIdp;
let scopedIdp: LocalIdp;
const scopedMailbox = createMailboxCodeSender();

beforeAll(async () => {
  idp = await startIdp({
    port: 0,
    keysDir: null,
    now: () => nowMs,
    clients: oidcClients,
    cognito: {
      userPoolId: POOL,
      clients: [webClient, legacyClient, srpOnlyClient, publicClient],
      iam: {
        secretAccessKeyFor: (id) => [bffKey, apiKey].find((key) => key.accessKeyId === id)?.secretAccessKey,
        isAllowed: (id, action, resource) =>
          id === bffKey.accessKeyId && action === "cognito-idp:AdminUserGlobalSignOut" && resource.endsWith(`:userpool/${POOL}`),
      },
    },
  });
  const silent = createLogger("local-cognito-test");
  silent.setLogLevel("SILENT");
  scopedIdp = await startIdp({
    port: 0,
    keysDir: null,
    clients: oidcClients,
    cognito: {
      userPoolId: POOL,
      clients: [webClient],
      triggers: createAuthChallengeTriggers({
        sender: scopedMailbox,
        logger: silent,
        preTokenGeneration: { scopes: ["items/read", "items/write"], clientIds: [WEB] },
      }),
    },
  });
});

afterAll(async () => {
  await idp.stop();
  await scopedIdp.stop();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A port nobody listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

function sdk(target: LocalIdp = idp, credentials = { accessKeyId: "unused", secretAccessKey: "unused" }) {
  return new CognitoIdentityProviderClient({ region: "eu-west-1", endpoint: target.issuer, credentials, maxAttempts: 1 });
}

/** The BFF's own adapter, over the real SDK client, pointed at the local pool. */
function bffAdapter(options: { target?: LocalIdp; clientId?: string; clientSecret?: string } = {}) {
  return createCognitoSignInClient({
    client: sdk(options.target),
    userPoolId: POOL,
    clientId: options.clientId ?? WEB,
    clientSecret: options.clientSecret ?? SECRET,
  });
}

function counters(target: LocalIdp = idp) {
  const cognito = target.cognito;
  if (!cognito) throw new Error("the local Cognito is not on");
  return cognito.counters;
}

function latestCode(username: string, mailbox: Mailbox = idp.mailbox): string {
  const code = mailbox.latest(username)?.code;
  if (!code) throw new Error(`no code for ${username}`);
  return code;
}

function wrongCode(code: string): string {
  return code === "000000" ? "111111" : "000000";
}

interface Mailbox {
  latest(username: string): { code: string } | undefined;
}

/** A full branded sign-in (SRP password, then the mailed code) through the BFF's adapter. */
async function signIn(
  username: keyof typeof passwords,
  target: LocalIdp = idp,
  mailbox: Mailbox = target.mailbox,
): Promise<AuthenticationResultType> {
  const adapter = bffAdapter({ target });
  const step = await adapter.startWithPassword(username, passwords[username]);
  if (step.kind !== "code") throw new Error("expected the code step");
  const done = await adapter.answerCode(step.username, step.session, latestCode(username, mailbox));
  if (done.kind !== "tokens") throw new Error("expected tokens");
  return done.result;
}

/** Why the BFF's adapter was refused, with Cognito's exception underneath. */
async function adapterRefusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof CognitoSignInError)) throw error;
    const cause = error.cause as { name?: string; message?: string };
    return { reason: error.reason, name: cause.name, message: cause.message };
  }
  throw new Error("expected a refusal");
}

/** Cognito's exception as the SDK raised it. */
async function sdkRefusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const failure = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: failure.name, message: failure.message, status: failure.$metadata?.httpStatusCode };
  }
  throw new Error("expected a refusal");
}

function secretHash(username: string, clientId = WEB, secret = SECRET): string {
  return createHmac("sha256", secret).update(`${username}${clientId}`).digest("base64");
}

function refresh(refreshToken: string, target: LocalIdp = idp) {
  return sdk(target).send(new GetTokensFromRefreshTokenCommand({ ClientId: WEB, ClientSecret: SECRET, RefreshToken: refreshToken }));
}

describe("local Cognito: branded sign-in through the BFF's adapter and the real SDK", () => {
  it("signs carol in with her password by SRP, then the code from the mailbox", async () => {
    // Prepare
    const before = counters();
    const adapter = bffAdapter();
    // Act
    const step = await adapter.startWithPassword("carol", passwords.carol);
    if (step.kind !== "code") throw new Error("expected the code step");
    const done = await adapter.answerCode(step.username, step.session, latestCode("carol"));
    // Assess
    expect(step).toEqual({
      kind: "code",
      session: expect.stringMatching(/^[A-Za-z0-9_-]{1536}$/),
      username: "carol",
      destination: "c***@example.com",
    });
    expect(done.kind).toBe("tokens");
    expect(done.kind === "tokens" && done.result).toMatchObject({ TokenType: "Bearer", ExpiresIn: 900, RefreshToken: expect.any(String) });
    expect(counters()).toMatchObject({ signIns: before.signIns + 1, tokensIssued: before.tokensIssued + 1 });
  });

  it("asks every user for a code, as the Define trigger decides, and accepts a user name in another case", async () => {
    // Prepare
    const adapter = bffAdapter();
    // Act
    const step = await adapter.startWithPassword("ALICE", passwords.alice);
    // Assess
    expect(step).toMatchObject({ kind: "code", username: "alice" });
    expect(idp.mailbox.latest("alice")?.to).toBe("alice@example.com");
  });

  it("refuses a wrong password with NotAuthorizedException, and sends no code", async () => {
    // Prepare
    idp.mailbox.clear();
    // Act
    const refusal = await adapterRefusal(bffAdapter().startWithPassword("bob", "not-bobs-password"));
    // Assess
    expect(refusal).toEqual({ reason: "rejected", name: "NotAuthorizedException", message: "Incorrect username or password." });
    expect(idp.mailbox.latest("bob")).toBeUndefined();
  });

  it("gives an unknown user a fake SRP challenge (the same salt each time) and then the same refusal", async () => {
    // Prepare
    const initiate = () =>
      sdk().send(
        new InitiateAuthCommand({
          ClientId: WEB,
          AuthFlow: "CUSTOM_AUTH",
          AuthParameters: { USERNAME: "mallory", SECRET_HASH: secretHash("mallory"), CHALLENGE_NAME: "SRP_A", SRP_A: "abcdef0123456789" },
        }),
      );
    // Act
    const first = await initiate();
    const second = await initiate();
    const refusal = await adapterRefusal(bffAdapter().startWithPassword("mallory", "any-password"));
    // Assess
    expect(first.ChallengeName).toBe("PASSWORD_VERIFIER");
    expect(first.ChallengeParameters).toMatchObject({ USER_ID_FOR_SRP: "mallory", USERNAME: "mallory" });
    expect(second.ChallengeParameters?.SALT).toBe(first.ChallengeParameters?.SALT);
    expect(refusal).toEqual({ reason: "rejected", name: "NotAuthorizedException", message: "Incorrect username or password." });
  });

  it("reports an unknown user as such on a client without PreventUserExistenceErrors", async () => {
    // Act
    const refusal = await adapterRefusal(
      bffAdapter({ clientId: legacyClient.clientId, clientSecret: "legacy-secret" }).startWithPassword("mallory", "x"),
    );
    // Assess
    expect(refusal).toEqual({ reason: "rejected", name: "UserNotFoundException", message: "User does not exist." });
  });

  it("sends a new code after each wrong one and refuses the third wrong code", async () => {
    // Prepare
    const adapter = bffAdapter();
    const before = counters();
    idp.mailbox.clear();
    const first = await adapter.startWithPassword("bob", passwords.bob);
    if (first.kind !== "code") throw new Error("expected the code step");
    // Act
    const second = await adapter.answerCode(first.username, first.session, wrongCode(latestCode("bob")));
    if (second.kind !== "code") throw new Error("expected the code step again");
    const third = await adapter.answerCode(first.username, second.session, wrongCode(latestCode("bob")));
    if (third.kind !== "code") throw new Error("expected the code step again");
    const refusal = await adapterRefusal(adapter.answerCode(first.username, third.session, wrongCode(latestCode("bob"))));
    // Assess
    expect(new Set([first.session, second.session, third.session]).size).toBe(3);
    expect(idp.mailbox.all().filter((message) => message.username === "bob")).toHaveLength(3);
    expect(refusal).toEqual({ reason: "rejected", name: "NotAuthorizedException", message: "Incorrect username or password." });
    expect(counters().failedSignIns).toBe(before.failedSignIns + 1);
    expect(counters().signIns).toBe(before.signIns);
  });

  it("refuses a Session answered after it expired (3 minutes)", async () => {
    // Prepare
    const adapter = bffAdapter();
    const step = await adapter.startWithPassword("bob", passwords.bob);
    if (step.kind !== "code") throw new Error("expected the code step");
    const code = latestCode("bob");
    nowMs += 180_000;
    // Act
    const refusal = await adapterRefusal(adapter.answerCode(step.username, step.session, code));
    // Assess
    expect(refusal).toEqual({
      reason: "rejected",
      name: "NotAuthorizedException",
      message: "Invalid session for the user, session is expired.",
    });
  });

  it("refuses a Session used a second time, even with the right code", async () => {
    // Prepare
    const adapter = bffAdapter();
    const step = await adapter.startWithPassword("bob", passwords.bob);
    if (step.kind !== "code") throw new Error("expected the code step");
    await adapter.answerCode(step.username, step.session, wrongCode(latestCode("bob")));
    // Act
    const refusal = await adapterRefusal(adapter.answerCode(step.username, step.session, latestCode("bob")));
    // Assess
    expect(refusal).toEqual({
      reason: "rejected",
      name: "NotAuthorizedException",
      message: "Invalid session for the user, session can only be used once.",
    });
  });

  it("refuses a call without SECRET_HASH, and one with a wrong SECRET_HASH, on the confidential client", async () => {
    // Act
    const missing = await sdkRefusal(
      sdk().send(
        new InitiateAuthCommand({
          ClientId: WEB,
          AuthFlow: "CUSTOM_AUTH",
          AuthParameters: { USERNAME: "alice", CHALLENGE_NAME: "SRP_A", SRP_A: "abc" },
        }),
      ),
    );
    const wrong = await adapterRefusal(bffAdapter({ clientSecret: "not-the-secret" }).startWithPassword("alice", passwords.alice));
    const wrongOnAnswer = await sdkRefusal(
      sdk().send(
        new RespondToAuthChallengeCommand({
          ClientId: WEB,
          ChallengeName: "CUSTOM_CHALLENGE",
          Session: "whatever",
          ChallengeResponses: { USERNAME: "alice", ANSWER: "123456", SECRET_HASH: secretHash("alice", WEB, "not-the-secret") },
        }),
      ),
    );
    // Assess
    expect(missing).toEqual({
      name: "NotAuthorizedException",
      message: `Client ${WEB} is configured for secret but secret was not received`,
      status: 400,
    });
    expect(wrong).toEqual({
      reason: "rejected",
      name: "NotAuthorizedException",
      message: `Unable to verify secret hash for client ${WEB}`,
    });
    expect(wrongOnAnswer.message).toBe(`Unable to verify secret hash for client ${WEB}`);
  });

  it("never starts the code step without the password: CUSTOM_AUTH without SRP is refused by Define", async () => {
    // Prepare
    idp.mailbox.clear();
    // Act
    const refusal = await sdkRefusal(
      sdk().send(
        new InitiateAuthCommand({
          ClientId: WEB,
          AuthFlow: "CUSTOM_AUTH",
          AuthParameters: { USERNAME: "alice", SECRET_HASH: secretHash("alice") },
        }),
      ),
    );
    // Assess
    expect(refusal).toEqual({ name: "NotAuthorizedException", message: "Incorrect username or password.", status: 400 });
    expect(idp.mailbox.latest("alice")).toBeUndefined();
  });

  it("refuses a flow the client does not allow, with Cognito's exception", async () => {
    // Act
    const custom = await sdkRefusal(
      sdk().send(
        new InitiateAuthCommand({ ClientId: srpOnlyClient.clientId, AuthFlow: "CUSTOM_AUTH", AuthParameters: { USERNAME: "alice" } }),
      ),
    );
    const password = await sdkRefusal(
      sdk().send(
        new InitiateAuthCommand({ ClientId: WEB, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "alice", PASSWORD: "x" } }),
      ),
    );
    const admin = await sdkRefusal(
      sdk().send(new InitiateAuthCommand({ ClientId: WEB, AuthFlow: "ADMIN_USER_PASSWORD_AUTH", AuthParameters: {} })),
    );
    // Assess
    expect(custom).toEqual({ name: "InvalidParameterException", message: "CUSTOM_AUTH flow not enabled for this client", status: 400 });
    expect(password).toEqual({
      name: "InvalidParameterException",
      message: "USER_PASSWORD_AUTH flow not enabled for this client",
      status: 400,
    });
    expect(admin).toEqual({ name: "InvalidParameterException", message: "Initiate Auth method not supported.", status: 400 });
  });

  it("answers an unknown app client with ResourceNotFoundException", async () => {
    // Act
    const refusal = await adapterRefusal(bffAdapter({ clientId: "no_such_client" }).startWithPassword("alice", passwords.alice));
    // Assess
    expect(refusal).toEqual({
      reason: "unavailable",
      name: "ResourceNotFoundException",
      message: "User pool client no_such_client does not exist.",
    });
  });

  it("answers an operation it does not model in Cognito's error shape", async () => {
    // Act
    const viaSdk = await sdkRefusal(sdk().send(new SignUpCommand({ ClientId: WEB, Username: "eve", Password: "x" })));
    const raw = await fetch(`${idp.issuer}/`, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.SignUp" },
      body: "{}",
    });
    // Assess
    expect(viaSdk).toMatchObject({ name: "UnknownOperationException", status: 400 });
    expect(raw.status).toBe(400);
    expect(raw.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(await raw.json()).toEqual({
      __type: "UnknownOperationException",
      message: "The local Cognito does not model the operation SignUp",
    });
  });
});

describe("local Cognito: mounted on the local IdP", () => {
  it("leaves every other request to the IdP", async () => {
    // Act
    const discovery = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    const untargeted = await fetch(`${idp.issuer}/`, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1" },
      body: "{}",
    });
    // Assess
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { issuer?: string }).issuer).toBe(idp.issuer);
    expect(untargeted.headers.get("content-type")).not.toBe("application/x-amz-json-1.1");
  });

  it("is off unless asked for", async () => {
    // Prepare
    const plain = await startIdp({ port: 0, keysDir: null, clients: oidcClients });
    try {
      // Act
      const refusal = await sdkRefusal(
        sdk(plain).send(new InitiateAuthCommand({ ClientId: WEB, AuthFlow: "CUSTOM_AUTH", AuthParameters: {} })),
      );
      // Assess
      expect(plain.cognito).toBeUndefined();
      expect(refusal.status).toBe(404);
    } finally {
      await plain.stop();
    }
  });

  it("refuses a pool id or client settings Cognito would not accept, and frees the port", async () => {
    // Prepare
    const port = await freePort();
    // Act
    const badPool = startIdp({ port, keysDir: null, clients: oidcClients, cognito: { userPoolId: "local_pool", clients: [webClient] } });
    const badClient = startIdp({
      port: 0,
      keysDir: null,
      clients: oidcClients,
      cognito: { userPoolId: POOL, clients: [{ ...webClient, refreshTokenRotation: { enabled: true, retryGraceSeconds: 120 } }] },
    });
    // Assess
    await expect(badPool).rejects.toThrow(ConfigError);
    await expect(badPool).rejects.toThrow('Invalid local user pool id "local_pool"');
    await expect(badClient).rejects.toThrow("retryGraceSeconds 120, expected 0–60");
    const again = await startIdp({ port, keysDir: null, clients: oidcClients, cognito: { userPoolId: POOL, clients: [webClient] } });
    expect(again.port).toBe(port);
    await again.stop();
  });
});

describe("local Cognito: tokens as Cognito shapes them", () => {
  let tokens: AuthenticationResultType;

  beforeAll(async () => {
    tokens = await signIn("alice");
  });

  it("signs both tokens RS256 with the IdP's key: its JWKS verifies them, iss is the local issuer", async () => {
    // Prepare
    const jwks = createRemoteJWKSet(new URL("/.well-known/jwks.json", idp.issuer));
    // Act
    const access = await jwtVerify(tokens.AccessToken ?? "", jwks, { issuer: idp.issuer, algorithms: ["RS256"] });
    const id = await jwtVerify(tokens.IdToken ?? "", jwks, { issuer: idp.issuer, audience: WEB, algorithms: ["RS256"] });
    // Assess
    expect(access.protectedHeader).toEqual({ kid: expect.any(String), alg: "RS256" });
    expect(id.protectedHeader.kid).toBe(access.protectedHeader.kid);
  });

  it("gives the access token exactly Cognito's claims, with no custom scope", () => {
    // Act
    const claims = decodeJwt(tokens.AccessToken ?? "");
    // Assess
    const alice = idp.users.find((user) => user.username === "alice");
    expect(claims).toEqual({
      sub: alice?.sub,
      iss: idp.issuer,
      client_id: WEB,
      origin_jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      event_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      token_use: "access",
      scope: "aws.cognito.signin.user.admin",
      auth_time: expect.any(Number),
      exp: expect.any(Number),
      iat: expect.any(Number),
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      username: "alice",
    });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(900);
    expect(claims.auth_time).toBe(claims.iat);
  });

  it("gives the ID token Cognito's claims for the user", () => {
    // Act
    const claims = decodeJwt(tokens.IdToken ?? "");
    // Assess
    const access = decodeJwt(tokens.AccessToken ?? "");
    expect(claims).toEqual({
      sub: access.sub,
      email_verified: true,
      iss: idp.issuer,
      "cognito:username": "alice",
      origin_jti: access.origin_jti,
      aud: WEB,
      event_id: access.event_id,
      token_use: "id",
      auth_time: access.auth_time,
      name: "Alice Anderson",
      exp: expect.any(Number),
      iat: access.iat,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: "alice@example.com",
    });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(600);
    expect(claims.jti).not.toBe(access.jti);
  });

  it("gives an opaque refresh token, not a JWT", () => {
    // Act
    const act = () => decodeProtectedHeader(tokens.RefreshToken ?? "");
    // Assess
    expect(tokens.RefreshToken?.length).toBeGreaterThan(400);
    expect(act).toThrow();
  });

  it("adds the app's scopes only through a PreTokenGeneration trigger, at sign-in and at refresh", async () => {
    // Act
    const scoped = await signIn("bob", scopedIdp, scopedMailbox);
    const refreshed = await refresh(scoped.RefreshToken ?? "", scopedIdp);
    // Assess
    expect(decodeJwt(scoped.AccessToken ?? "").scope).toBe("aws.cognito.signin.user.admin items/read items/write");
    expect(decodeJwt(refreshed.AuthenticationResult?.AccessToken ?? "").scope).toBe("aws.cognito.signin.user.admin items/read items/write");
    expect(decodeJwt(scoped.IdToken ?? "").scope).toBeUndefined();
  });
});

describe("local Cognito: refresh, rotation and revocation", () => {
  it("rotates the refresh token at each GetTokensFromRefreshToken, keeping the sign-in's identity", async () => {
    // Prepare
    const tokens = await signIn("alice");
    const before = counters();
    // Act
    const first = await refresh(tokens.RefreshToken ?? "");
    const second = await refresh(first.AuthenticationResult?.RefreshToken ?? "");
    // Assess
    const refreshTokens = [tokens.RefreshToken, first.AuthenticationResult?.RefreshToken, second.AuthenticationResult?.RefreshToken];
    expect(new Set(refreshTokens).size).toBe(3);
    const original = decodeJwt(tokens.AccessToken ?? "");
    const renewed = decodeJwt(second.AuthenticationResult?.AccessToken ?? "");
    expect(renewed).toMatchObject({
      sub: original.sub,
      origin_jti: original.origin_jti,
      auth_time: original.auth_time,
      scope: original.scope,
    });
    expect(renewed.jti).not.toBe(original.jti);
    expect(second.AuthenticationResult).toMatchObject({ TokenType: "Bearer", ExpiresIn: 900, IdToken: expect.any(String) });
    expect(counters()).toMatchObject({ refreshes: before.refreshes + 2, tokensIssued: before.tokensIssued + 2 });
  });

  it("honours the rotated-out token within the retry grace period, then treats its reuse as theft and revokes the family", async () => {
    // Prepare
    const tokens = await signIn("bob");
    const original = tokens.RefreshToken ?? "";
    await refresh(original);
    const before = counters();
    // Act
    const retry = await refresh(original);
    nowMs += 10_000;
    const reuse = await sdkRefusal(refresh(original));
    const current = await sdkRefusal(refresh(retry.AuthenticationResult?.RefreshToken ?? ""));
    // Assess
    expect(retry.AuthenticationResult?.RefreshToken).toEqual(expect.any(String));
    expect(reuse).toMatchObject({ name: "RefreshTokenReuseException", status: 400 });
    expect(current).toEqual({ name: "NotAuthorizedException", message: "Refresh Token has been revoked", status: 400 });
    expect(counters().reuseDetections).toBe(before.reuseDetections + 1);
  });

  it("requires the client secret for GetTokensFromRefreshToken", async () => {
    // Prepare
    const tokens = await signIn("carol");
    // Act
    const missing = await sdkRefusal(
      sdk().send(new GetTokensFromRefreshTokenCommand({ ClientId: WEB, RefreshToken: tokens.RefreshToken })),
    );
    const wrong = await sdkRefusal(
      sdk().send(
        new GetTokensFromRefreshTokenCommand({ ClientId: WEB, ClientSecret: "not-the-secret", RefreshToken: tokens.RefreshToken }),
      ),
    );
    const garbage = await sdkRefusal(refresh("not-a-refresh-token"));
    // Assess
    expect(missing.message).toBe(`Client ${WEB} is configured for secret but secret was not received`);
    expect(wrong.message).toBe(`Unable to verify secret hash for client ${WEB}`);
    expect(garbage).toEqual({ name: "NotAuthorizedException", message: "Invalid Refresh Token", status: 400 });
  });

  it("refuses REFRESH_TOKEN_AUTH on a client with rotation, and serves it without a new refresh token on one without", async () => {
    // Prepare
    const tokens = await signIn("alice");
    const legacyTokens = await (async () => {
      const adapter = bffAdapter({ clientId: legacyClient.clientId, clientSecret: "legacy-secret" });
      const step = await adapter.startWithPassword("alice", passwords.alice);
      if (step.kind !== "code") throw new Error("expected the code step");
      const done = await adapter.answerCode(step.username, step.session, latestCode("alice"));
      if (done.kind !== "tokens") throw new Error("expected tokens");
      return done.result;
    })();
    // Act
    const rotating = await sdkRefusal(
      sdk().send(
        new InitiateAuthCommand({
          ClientId: WEB,
          AuthFlow: "REFRESH_TOKEN_AUTH",
          AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken ?? "", SECRET_HASH: secretHash("alice") },
        }),
      ),
    );
    const legacy = await sdk().send(
      new InitiateAuthCommand({
        ClientId: legacyClient.clientId,
        AuthFlow: "REFRESH_TOKEN_AUTH",
        AuthParameters: {
          REFRESH_TOKEN: legacyTokens.RefreshToken ?? "",
          SECRET_HASH: secretHash("alice", legacyClient.clientId, "legacy-secret"),
        },
      }),
    );
    // Assess
    expect(rotating).toMatchObject({ name: "InvalidParameterException", status: 400 });
    expect(rotating.message).toContain("GetTokensFromRefreshToken");
    expect(legacy.AuthenticationResult?.RefreshToken).toBeUndefined();
    expect(decodeJwt(legacy.AuthenticationResult?.AccessToken ?? "")).toMatchObject({
      username: "alice",
      client_id: legacyClient.clientId,
    });
  });

  it("revokes the refresh token and its whole family with RevokeToken", async () => {
    // Prepare
    const tokens = await signIn("carol");
    const rotated = (await refresh(tokens.RefreshToken ?? "")).AuthenticationResult?.RefreshToken ?? "";
    const before = counters();
    // Act
    await sdk().send(new RevokeTokenCommand({ ClientId: WEB, ClientSecret: SECRET, Token: rotated }));
    const after = await sdkRefusal(refresh(rotated));
    const again = await sdk().send(new RevokeTokenCommand({ ClientId: WEB, ClientSecret: SECRET, Token: rotated }));
    // Assess
    expect(after).toEqual({ name: "NotAuthorizedException", message: "Refresh Token has been revoked", status: 400 });
    expect(again.$metadata.httpStatusCode).toBe(200);
    expect(counters().revocations).toBe(before.revocations + 1);
    const signOut = await sdkRefusal(sdk().send(new GlobalSignOutCommand({ AccessToken: tokens.AccessToken })));
    expect(signOut.message).toBe("Access Token has been revoked");
  });

  it("refuses RevokeToken with an access token or a wrong client secret", async () => {
    // Prepare
    const tokens = await signIn("bob");
    // Act
    const accessToken = await sdkRefusal(
      sdk().send(new RevokeTokenCommand({ ClientId: WEB, ClientSecret: SECRET, Token: tokens.AccessToken })),
    );
    const wrongSecret = await sdkRefusal(
      sdk().send(new RevokeTokenCommand({ ClientId: WEB, ClientSecret: "nope", Token: tokens.RefreshToken })),
    );
    // Assess
    expect(accessToken).toMatchObject({ name: "UnsupportedTokenTypeException", status: 400 });
    expect(wrongSecret).toMatchObject({ name: "UnauthorizedException", status: 400 });
    expect((await refresh(tokens.RefreshToken ?? "")).AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  });

  it("signs the user out everywhere with GlobalSignOut, authorized by the access token", async () => {
    // Prepare
    const first = await signIn("carol");
    const second = await signIn("carol");
    // Act
    await sdk().send(new GlobalSignOutCommand({ AccessToken: second.AccessToken }));
    const refusals = [await sdkRefusal(refresh(first.RefreshToken ?? "")), await sdkRefusal(refresh(second.RefreshToken ?? ""))];
    const again = await sdkRefusal(sdk().send(new GlobalSignOutCommand({ AccessToken: second.AccessToken })));
    // Assess
    for (const refusal of refusals) expect(refusal.message).toBe("Refresh Token has been revoked");
    expect(again).toEqual({ name: "NotAuthorizedException", message: "Access Token has been revoked", status: 400 });
  });
});

describe("local Cognito: AdminUserGlobalSignOut is IAM-authorized", () => {
  it("ends every refresh token of the user when signed with SigV4 by a granted principal", async () => {
    // Prepare
    const first = await signIn("alice");
    const second = await signIn("alice");
    const bob = await signIn("bob");
    const before = counters();
    // Act
    const answer = await sdk(idp, bffKey).send(new AdminUserGlobalSignOutCommand({ UserPoolId: POOL, Username: "alice" }));
    // Assess
    expect(answer.$metadata.httpStatusCode).toBe(200);
    for (const tokens of [first, second])
      expect((await sdkRefusal(refresh(tokens.RefreshToken ?? ""))).message).toBe("Refresh Token has been revoked");
    expect((await refresh(bob.RefreshToken ?? "")).AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    expect(counters().globalSignOuts).toBe(before.globalSignOuts + 1);
  });

  it("takes the user's sub as Username, as Cognito does for a local user", async () => {
    // Prepare
    const tokens = await signIn("carol");
    const sub = idp.users.find((user) => user.username === "carol")?.sub ?? "";
    const bob = await signIn("bob");
    // Act
    const answer = await sdk(idp, bffKey).send(new AdminUserGlobalSignOutCommand({ UserPoolId: POOL, Username: sub }));
    // Assess
    expect(answer.$metadata.httpStatusCode).toBe(200);
    expect((await sdkRefusal(refresh(tokens.RefreshToken ?? ""))).message).toBe("Refresh Token has been revoked");
    expect((await refresh(bob.RefreshToken ?? "")).AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  });

  it("refuses it unsigned, with a wrong secret, with an unknown key, and for a principal without the grant", async () => {
    // Prepare
    const tokens = await signIn("carol");
    const command = () => new AdminUserGlobalSignOutCommand({ UserPoolId: POOL, Username: "carol" });
    // Act
    const unsigned = await fetch(`${idp.issuer}/`, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.AdminUserGlobalSignOut" },
      body: JSON.stringify({ UserPoolId: POOL, Username: "carol" }),
    });
    const wrongSecret = await sdkRefusal(sdk(idp, { ...bffKey, secretAccessKey: "not-the-secret" }).send(command()));
    const unknownKey = await sdkRefusal(sdk(idp, { accessKeyId: "AKIAUNKNOWN00000", secretAccessKey: "x" }).send(command()));
    const notGranted = await sdkRefusal(sdk(idp, apiKey).send(command()));
    // Assess
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toEqual({ __type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" });
    expect(wrongSecret).toMatchObject({ name: "InvalidSignatureException", status: 400 });
    expect(unknownKey).toMatchObject({ name: "UnrecognizedClientException", status: 400 });
    expect(notGranted).toMatchObject({ name: "AccessDeniedException", status: 400 });
    expect(notGranted.message).toContain("cognito-idp:AdminUserGlobalSignOut");
    expect((await refresh(tokens.RefreshToken ?? "")).AuthenticationResult?.RefreshToken).toEqual(expect.any(String));
  });

  it("answers an unknown user and another pool as Cognito does", async () => {
    // Act
    const unknownUser = await sdkRefusal(
      sdk(idp, bffKey).send(new AdminUserGlobalSignOutCommand({ UserPoolId: POOL, Username: "mallory" })),
    );
    const otherPool = await sdkRefusal(
      sdk(idp, bffKey).send(new AdminUserGlobalSignOutCommand({ UserPoolId: "eu-west-1_Other1", Username: "alice" })),
    );
    // Assess
    expect(unknownUser).toEqual({ name: "UserNotFoundException", message: "User does not exist.", status: 400 });
    expect(otherPool).toEqual({ name: "ResourceNotFoundException", message: "User pool eu-west-1_Other1 does not exist.", status: 400 });
  });
});

describe("local Cognito: logs", () => {
  it("never writes a password, a code, a Session or a token, and does log each call", async () => {
    // Prepare
    const output = captureOutput();
    idp.mailbox.clear();
    const adapter = bffAdapter();
    // Act
    const step = await adapter.startWithPassword("carol", passwords.carol);
    if (step.kind !== "code") throw new Error("expected the code step");
    const code = latestCode("carol");
    const done = await adapter.answerCode(step.username, step.session, code);
    if (done.kind !== "tokens") throw new Error("expected tokens");
    const refreshed = await refresh(done.result.RefreshToken ?? "");
    await adapterRefusal(bffAdapter().startWithPassword("carol", "a-wrong-password-guess"));
    const text = output.text();
    vi.restoreAllMocks();
    // Assess
    expect(text).toContain('"operation":"InitiateAuth"');
    expect(text).toContain('"errorType":"NotAuthorizedException"');
    expect(text).not.toMatch(new RegExp(`(?<![0-9])${code}(?![0-9])`));
    for (const secret of [
      passwords.carol,
      "a-wrong-password-guess",
      step.session,
      done.result.AccessToken ?? "",
      done.result.IdToken ?? "",
      done.result.RefreshToken ?? "",
      refreshed.AuthenticationResult?.RefreshToken ?? "",
      SECRET,
    ]) {
      expect(secret.length).toBeGreaterThan(0);
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain("carol@example.com");
  });
});
