import type { APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FakeIssuer, startFakeIssuer } from "../testing/fake-issuer.ts";

describe("authorizer Lambda entry", () => {
  let idp: FakeIssuer;
  beforeAll(async () => {
    idp = await startFakeIssuer();
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    return idp.close();
  });

  it("loads config and JWKS at cold start, then authorizes warm calls without a network request", async () => {
    // Prepare
    vi.stubEnv("JWT_ISSUER", idp.issuer);
    vi.stubEnv("JWT_CLIENT_IDS", "local-web,local-m2m");
    const { handler } = await import("./authorizer.ts");
    const coldStartRequests = idp.requests();
    const now = Math.floor(Date.now() / 1000);
    const token = await idp.sign({
      iss: idp.issuer,
      sub: "local-m2m",
      client_id: "local-m2m",
      token_use: "access",
      scope: "items/read",
      iat: now,
      exp: now + 60,
    });
    const event = {
      type: "REQUEST",
      methodArn: "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/items",
      resource: "/items",
      httpMethod: "GET",
      headers: { authorization: `Bearer ${token}` },
    } as unknown as APIGatewayRequestAuthorizerEvent;
    // Act
    const result = await handler(event);
    // Assess
    expect(coldStartRequests).toBe(2);
    expect(idp.requests()).toBe(coldStartRequests);
    expect(result.context).toMatchObject({ principalType: "machine", clientId: "local-m2m" });
  });
});
