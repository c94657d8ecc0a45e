import { createLogger } from "@spa-bff/core";
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type AuthorizerConfig, loadAuthorizerConfig } from "../config.ts";
import { type FakeIssuer, startFakeIssuer } from "../testing/fake-issuer.ts";
import { evaluatePolicy } from "../testing/iam-policy.ts";
import { type AccessTokenVerifier, createAccessTokenVerifier } from "../token/verifier.ts";
import { type AuthorizerHandler, createAuthorizerHandler } from "./authorizer-handler.ts";

const arnPrefix = "arn:aws:execute-api:us-east-1:123456789012:api123/local";
const now = () => Math.floor(Date.now() / 1000);

function authorizerEvent(
  method: string,
  resource: string,
  authorization: string | undefined,
  path = resource,
): APIGatewayRequestAuthorizerEvent {
  return {
    type: "REQUEST",
    methodArn: `${arnPrefix}/${method}${path}`,
    resource,
    path,
    httpMethod: method,
    headers: authorization === undefined ? {} : { Authorization: authorization },
    multiValueHeaders: authorization === undefined ? {} : { Authorization: [authorization] },
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {} as APIGatewayRequestAuthorizerEvent["requestContext"],
  };
}

describe("authorizer handler", () => {
  let idp: FakeIssuer;
  let config: AuthorizerConfig;
  let verifier: AccessTokenVerifier;
  const logger = createLogger("authorizer-test");
  let authorize: AuthorizerHandler;

  const claims = (overrides: Record<string, unknown> = {}) => ({
    iss: idp.issuer,
    sub: "user-sub-1",
    client_id: "local-web",
    token_use: "access",
    scope: "openid items/read items/write",
    username: "alice",
    iat: now(),
    exp: now() + 300,
    jti: "jti-1",
    ...overrides,
  });

  beforeAll(async () => {
    idp = await startFakeIssuer();
    config = loadAuthorizerConfig({ JWT_ISSUER: idp.issuer, JWT_CLIENT_IDS: "local-web, local-m2m" });
    verifier = await createAccessTokenVerifier(config);
    await verifier.hydrate();
  });
  afterAll(() => idp.close());
  beforeEach(() => {
    vi.restoreAllMocks();
    authorize = createAuthorizerHandler(config, { verifier, logger });
  });

  async function expectUnauthorized(event: APIGatewayRequestAuthorizerEvent, reason: string, secret?: string): Promise<void> {
    // Prepare
    const warn = vi.spyOn(logger, "warn");
    // Act
    const outcome = authorize(event);
    // Assess
    await expect(outcome).rejects.toThrow(new Error("Unauthorized"));
    expect(warn).toHaveBeenCalledWith("Token refused", expect.objectContaining({ reason }));
    if (secret !== undefined) expect(JSON.stringify(warn.mock.calls)).not.toContain(secret);
  }

  it("allows a valid user token and passes sub, clientId, scope, username, principalType and exp on", async () => {
    // Prepare
    const signed = claims();
    const token = await idp.sign(signed);
    // Act
    const result = await authorize(authorizerEvent("GET", "/items", `Bearer ${token}`));
    // Assess
    expect(result.principalId).toBe("user-sub-1");
    expect(result.context).toEqual({
      sub: "user-sub-1",
      clientId: "local-web",
      scope: "openid items/read items/write",
      username: "alice",
      principalType: "user",
      exp: String(signed.exp),
    });
    expect(evaluatePolicy(result.policyDocument, `${arnPrefix}/GET/items`)).toBe(200);
  });

  it("marks a client-credentials token (sub is the client id, no username) as a machine", async () => {
    // Prepare
    const signed = claims({ sub: "local-m2m", client_id: "local-m2m", username: undefined, scope: "items/read" });
    const token = await idp.sign(signed);
    // Act
    const result = await authorize(authorizerEvent("GET", "/items", `Bearer ${token}`));
    // Assess
    expect(result.context).toEqual({
      sub: "local-m2m",
      clientId: "local-m2m",
      scope: "items/read",
      principalType: "machine",
      exp: String(signed.exp),
    });
  });

  it("accepts a lower-case bearer scheme", async () => {
    const token = await idp.sign(claims());
    const result = await authorize(authorizerEvent("GET", "/whoami", `bearer ${token}`));
    expect(evaluatePolicy(result.policyDocument, `${arnPrefix}/GET/whoami`)).toBe(200);
  });

  it("verifies warm calls from the cached JWKS without any network request", async () => {
    // Prepare
    const tokens = await Promise.all([1, 2, 3].map((n) => idp.sign(claims({ jti: `warm-${n}` }))));
    const before = idp.requests();
    // Act
    for (const token of tokens) await authorize(authorizerEvent("GET", "/items", `Bearer ${token}`));
    // Assess
    expect(idp.requests()).toBe(before);
  });

  it("refuses a token signed by another key", async () => {
    const other = await generateKeyPair("RS256");
    const token = await idp.sign(claims(), { key: other.privateKey });
    await expectUnauthorized(authorizerEvent("GET", "/items", `Bearer ${token}`), "invalid_signature", token);
  });

  it('refuses an unsigned token (alg "none")', async () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const token = `${encode({ alg: "none", kid: "key-1" })}.${encode(claims())}.`;
    await expectUnauthorized(authorizerEvent("GET", "/items", `Bearer ${token}`), "malformed_token", token);
  });

  it('refuses an "alg: none" token that carries a signature anyway', async () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const token = `${encode({ alg: "none", kid: "key-1" })}.${encode(claims())}.c2lnbmF0dXJl`;
    await expectUnauthorized(authorizerEvent("GET", "/items", `Bearer ${token}`), "invalid_algorithm", token);
  });

  it("refuses an HS256 token keyed with the issuer's public key", async () => {
    const { importJWK } = await import("jose");
    const publicKey = await importJWK(idp.publicJwk, "RS256", { extractable: true });
    const pem = await exportSPKI(publicKey as Parameters<typeof exportSPKI>[0]);
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: "HS256", kid: "key-1" }).sign(new TextEncoder().encode(pem));
    await expectUnauthorized(authorizerEvent("GET", "/items", `Bearer ${token}`), "invalid_algorithm", token);
  });

  it("refuses an expired token", async () => {
    const token = await idp.sign(claims({ iat: now() - 7200, exp: now() - 3600 }));
    await expectUnauthorized(authorizerEvent("GET", "/items", `Bearer ${token}`), "token_expired", token);
  });

  it("accepts a token that expired within the clock-skew grace", async () => {
    const token = await idp.sign(claims({ iat: now() - 300, exp: now() - 2 }));
    const result = await authorize(authorizerEvent("GET", "/items", `Bearer ${token}`));
    expect(result.principalId).toBe("user-sub-1");
  });

  it("refuses a token that is not yet valid", async () => {
    const token = await idp.sign(claims({ nbf: now() + 3600 }));
    await expectUnauthorized(authorizerEvent("GET", "/items", `Bearer ${token}`), "token_not_yet_valid", token);
  });

  it("refuses a token from another issuer", async () => {
    const token = await idp.sign(claims({ iss: "https://evil.example.com" }));
    await expectUnauthorized(authorizerEvent("GET", "/items", `Bearer ${token}`), "invalid_issuer", token);
  });

  it("refuses a token issued to another client", async () => {
    const token = await idp.sign(claims({ client_id: "someone-else" }));
    await expectUnauthorized(authorizerEvent("GET", "/items", `Bearer ${token}`), "invalid_client_id", token);
  });

  it("refuses an ID token in place of an access token", async () => {
    const token = await idp.sign(claims({ token_use: "id", aud: "local-web" }));
    await expectUnauthorized(authorizerEvent("GET", "/items", `Bearer ${token}`), "invalid_token_use", token);
  });

  it("refuses a token without token_use", async () => {
    const token = await idp.sign(claims({ token_use: undefined }));
    await expectUnauthorized(authorizerEvent("GET", "/items", `Bearer ${token}`), "invalid_token_use", token);
  });

  it("refuses a token whose kid is not in the JWKS", async () => {
    const token = await idp.sign(claims(), { kid: "unknown-key" });
    await expectUnauthorized(authorizerEvent("GET", "/items", `Bearer ${token}`), "unknown_kid", token);
  });

  it("refuses a token that is not a JWT", async () => {
    await expectUnauthorized(authorizerEvent("GET", "/items", "Bearer not-a-jwt"), "malformed_token");
  });

  it.each([
    ["a Basic header", "Basic dXNlcjpwYXNz"],
    ["two spaces after Bearer", "Bearer  abc.def.ghi"],
    ["a token with a space in it", "Bearer abc.def ghi"],
    ["the scheme alone", "Bearer"],
    ["a token without the Bearer scheme", "abc.def.ghi"],
  ])("refuses %s as malformed", async (_name, header) => {
    await expectUnauthorized(authorizerEvent("GET", "/items", header), "malformed_authorization");
  });

  it("refuses a request without an Authorization header", async () => {
    await expectUnauthorized(authorizerEvent("GET", "/items", undefined), "missing_authorization");
  });

  it("refuses two Authorization headers", async () => {
    const token = await idp.sign(claims());
    const event = authorizerEvent("GET", "/items", `Bearer ${token}`);
    event.multiValueHeaders = { Authorization: [`Bearer ${token}`, "Bearer other"] };
    await expectUnauthorized(event, "malformed_authorization", token);
  });

  it("denies (403) a valid token without the route's scope and logs the reason", async () => {
    // Prepare
    const warn = vi.spyOn(logger, "warn");
    const token = await idp.sign(claims({ scope: "items/read" }));
    // Act
    const result = await authorize(authorizerEvent("POST", "/items", `Bearer ${token}`));
    // Assess
    expect(evaluatePolicy(result.policyDocument, `${arnPrefix}/POST/items`)).toBe(403);
    expect(warn).toHaveBeenCalledWith("Route refused", expect.objectContaining({ reason: "missing_scope", requiredScope: "items/write" }));
    expect(JSON.stringify(warn.mock.calls)).not.toContain(token);
  });

  it("issues a policy for GET /items that, cached, does not let a read-only token POST or DELETE", async () => {
    // Prepare
    const token = await idp.sign(claims({ scope: "items/read" }));
    // Act
    const result: APIGatewayAuthorizerResult = await authorize(authorizerEvent("GET", "/items", `Bearer ${token}`));
    // Assess
    const policy = result.policyDocument;
    expect(evaluatePolicy(policy, `${arnPrefix}/GET/items`)).toBe(200);
    expect(evaluatePolicy(policy, `${arnPrefix}/GET/whoami`)).toBe(200);
    expect(evaluatePolicy(policy, `${arnPrefix}/POST/items`)).toBe(403);
    expect(evaluatePolicy(policy, `${arnPrefix}/DELETE/items/0b0e8e5e-8f0a-4c39-9d5a-1b6f3f3e2a11`)).toBe(403);
  });

  it("issues a policy for a write-only token that allows POST and DELETE but not GET /items", async () => {
    const token = await idp.sign(claims({ scope: "items/write" }));
    const result = await authorize(authorizerEvent("POST", "/items", `Bearer ${token}`));
    const policy = result.policyDocument;
    expect(evaluatePolicy(policy, `${arnPrefix}/POST/items`)).toBe(200);
    expect(evaluatePolicy(policy, `${arnPrefix}/DELETE/items/some-id`)).toBe(200);
    expect(evaluatePolicy(policy, `${arnPrefix}/GET/items`)).toBe(403);
  });

  it("grants nothing outside its own API and stage", async () => {
    const token = await idp.sign(claims());
    const result = await authorize(authorizerEvent("GET", "/items", `Bearer ${token}`));
    expect(evaluatePolicy(result.policyDocument, "arn:aws:execute-api:us-east-1:123456789012:api123/prod/GET/items")).toBe(403);
    expect(evaluatePolicy(result.policyDocument, "arn:aws:execute-api:us-east-1:123456789012:other/local/GET/items")).toBe(403);
  });
});
