import { LoopbackFetcher } from "@spa-bff/core/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAuthorizerConfig } from "../config.ts";
import { type FakeIssuer, startFakeIssuer } from "../testing/fake-issuer.ts";
import { discoverJwksUri } from "./discover-jwks-uri.ts";

describe("JWKS loading", () => {
  let idp: FakeIssuer;
  beforeAll(async () => {
    idp = await startFakeIssuer();
  });
  afterAll(() => idp.close());

  it("discovers the JWKS URI of a loopback issuer over http", async () => {
    await expect(discoverJwksUri(idp.issuer, new LoopbackFetcher())).resolves.toBe(idp.jwksUri);
  });

  it("refuses a discovery document that names another issuer", async () => {
    const pretend = `${idp.issuer.replace("127.0.0.1", "localhost")}`;
    await expect(discoverJwksUri(pretend, new LoopbackFetcher())).rejects.toThrow(
      `The discovery document of "${pretend}" names another issuer`,
    );
  });
});

describe("authorizer config", () => {
  it("names each missing variable", () => {
    expect(() => loadAuthorizerConfig({})).toThrow(/Missing JWT_ISSUER\..*Missing JWT_CLIENT_IDS\./);
  });

  it("refuses a plain-http issuer that is not loopback", () => {
    expect(() => loadAuthorizerConfig({ JWT_ISSUER: "http://idp.example.com", JWT_CLIENT_IDS: "a" })).toThrow(
      "Invalid authorizer configuration: Invalid JWT_ISSUER: an https URL (http only on loopback)",
    );
  });

  it("splits the client ids and trims the issuer's trailing slash", () => {
    expect(loadAuthorizerConfig({ JWT_ISSUER: "https://idp.example.com/", JWT_CLIENT_IDS: " web , m2m ," })).toEqual({
      issuer: "https://idp.example.com",
      clientIds: ["web", "m2m"],
      cognitoUserPoolId: undefined,
      graceSeconds: 5,
    });
  });
});
