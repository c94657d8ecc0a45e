import { ConfigError } from "@spa-bff/core";
import { tokenTiming } from "@spa-bff/core/infra";
import { describe, expect, it } from "vitest";
import { loadBffConfig } from "./config.ts";
import { deployedEnv, thrown } from "./testing/fixtures.ts";

describe("loadBffConfig", () => {
  it("derives the redirect URIs from APP_ORIGIN and applies the defaults", () => {
    // Act
    const config = loadBffConfig(deployedEnv);
    // Assess
    expect(config.redirectUri).toBe("https://d111.cloudfront.net/auth/callback");
    expect(config.postLogoutRedirectUri).toBe("https://d111.cloudfront.net/");
    expect(config.apiBaseUrl).toBe("https://abc.execute-api.eu-west-1.amazonaws.com/prod");
    expect(config.oidc.scopes).toBe("openid email profile items/read items/write");
    expect(config.session).toEqual({ idleSeconds: 1800, absoluteSeconds: 28800, touchIntervalSeconds: 300 });
    // The stacks' authorizer cache (60 s) must end before a token: callers refresh earlier than that.
    expect(config.refreshSkewSeconds).toBe(tokenTiming.refreshSkewSeconds);
    expect(config.refreshSkewSeconds).toBeGreaterThan(tokenTiming.authorizerCacheSeconds);
    expect(config.refreshLeaseSeconds).toBe(10);
    expect(config.upstreamTimeoutMs).toBe(8000);
    expect(config.maxBodyBytes).toBe(1048576);
    expect(config.keyProvider).toEqual({ kind: "kms", keyId: "alias/bff" });
  });

  it("names every missing variable in one ConfigError", () => {
    // Act
    const error = thrown(() => loadBffConfig({}));
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: "config_invalid" });
    const message = (error as Error).message;
    for (const name of ["OIDC_ISSUER", "OIDC_CLIENT_ID", "APP_ORIGIN", "SESSION_TABLE", "KEY_PROVIDER", "API_BASE_URL"]) {
      expect(message).toContain(`Missing ${name}`);
    }
  });

  it("requires a client secret or a private key", () => {
    const { OIDC_CLIENT_SECRET: _secret, ...env } = deployedEnv;
    expect((thrown(() => loadBffConfig(env)) as Error).message).toContain(
      "Missing OIDC_CLIENT_SECRET. Expected: client secret (or OIDC_PRIVATE_KEY_JWK)",
    );
  });

  it("requires KMS_KEY_ID with KEY_PROVIDER=kms and LOCAL_KEY_FILE with local", () => {
    const { KMS_KEY_ID: _key, ...env } = deployedEnv;
    expect((thrown(() => loadBffConfig(env)) as Error).message).toContain("Missing KMS_KEY_ID");
    expect((thrown(() => loadBffConfig({ ...env, KEY_PROVIDER: "local" })) as Error).message).toContain("Missing LOCAL_KEY_FILE");
  });

  it.each([
    ["an http issuer that is not loopback", { OIDC_ISSUER: "http://idp.example" }, "Invalid OIDC_ISSUER"],
    ["an http API that is not loopback", { API_BASE_URL: "http://api.example/prod" }, "Invalid API_BASE_URL"],
    ["an APP_ORIGIN with a path", { APP_ORIGIN: "https://app.example/spa" }, "Invalid APP_ORIGIN"],
    ["a DynamoDB endpoint off loopback", { DYNAMODB_ENDPOINT: "http://dynamo.example:8000" }, "Invalid DYNAMODB_ENDPOINT"],
    ["a non-numeric timeout", { UPSTREAM_TIMEOUT_MS: "soon" }, "Invalid UPSTREAM_TIMEOUT_MS"],
    ["an idle timeout above the absolute lifetime", { SESSION_IDLE_SECONDS: "99999" }, "SESSION_IDLE_SECONDS"],
    ["a private key that is not a JWK", { OIDC_PRIVATE_KEY_JWK: "not json" }, "Invalid OIDC_PRIVATE_KEY_JWK"],
  ])("refuses %s", (_name, override, expected) => {
    const error = thrown(() => loadBffConfig({ ...deployedEnv, ...override }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(expected);
  });

  it("accepts plain http on loopback for the local platform", () => {
    const config = loadBffConfig({
      ...deployedEnv,
      OIDC_ISSUER: "http://127.0.0.1:3001",
      APP_ORIGIN: "http://localhost:3000",
      API_BASE_URL: "http://127.0.0.1:3002/local",
      DYNAMODB_ENDPOINT: "http://127.0.0.1:8000",
      KEY_PROVIDER: "local",
      LOCAL_KEY_FILE: ".local/session-key.json",
    });
    expect(config.appOrigin).toBe("http://localhost:3000");
    expect(config.keyProvider).toEqual({ kind: "local", file: ".local/session-key.json" });
  });
});
