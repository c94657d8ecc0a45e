import { ConfigError } from "@spa-bff/core";
import { describe, expect, it } from "vitest";
import { loadBffConfig } from "./config.ts";
import { deployedEnv, thrown } from "./testing/fixtures.ts";

describe("loadBffConfig: LOGIN_MODE", () => {
  it("defaults to the hosted login", () => {
    // Act
    const config = loadBffConfig(deployedEnv);
    // Assess
    expect(config.login).toEqual({ mode: "hosted" });
  });

  it("reads the user pool and the attempts table for the branded sign-in", () => {
    // Act
    const config = loadBffConfig({
      ...deployedEnv,
      LOGIN_MODE: "branded",
      COGNITO_USER_POOL_ID: "eu-west-1_AbCdEf123",
      SIGNIN_TABLE: "SignInAttempts",
    });
    // Assess
    expect(config.login).toEqual({ mode: "branded", userPoolId: "eu-west-1_AbCdEf123", signInTable: "SignInAttempts" });
  });

  it("names COGNITO_USER_POOL_ID and SIGNIN_TABLE when branded lacks them", () => {
    // Act
    const error = thrown(() => loadBffConfig({ ...deployedEnv, LOGIN_MODE: "branded" }));
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: "config_invalid" });
    expect(error.message).toContain("Missing COGNITO_USER_POOL_ID. Expected: user pool id (LOGIN_MODE=branded)");
    expect(error.message).toContain("Missing SIGNIN_TABLE. Expected: table name of the sign-in attempts (LOGIN_MODE=branded)");
  });

  it("refuses an unknown mode and a malformed pool id", () => {
    // Act
    const error = thrown(() =>
      loadBffConfig({ ...deployedEnv, LOGIN_MODE: "custom", COGNITO_USER_POOL_ID: "AbCdEf123", SIGNIN_TABLE: "SignInAttempts" }),
    );
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('Invalid LOGIN_MODE: "hosted" or "branded"');
    expect(error.message).toContain("Invalid COGNITO_USER_POOL_ID: a user pool id (<region>_<id>)");
  });

  it("requires the client secret for branded, since private_key_jwt cannot compute SECRET_HASH", () => {
    // Prepare
    const { OIDC_CLIENT_SECRET: _secret, ...env } = deployedEnv;
    const jwk = JSON.stringify({ kty: "EC", crv: "P-256", x: "x", y: "y", d: "d" });
    // Act
    const error = thrown(() =>
      loadBffConfig({
        ...env,
        OIDC_PRIVATE_KEY_JWK: jwk,
        LOGIN_MODE: "branded",
        COGNITO_USER_POOL_ID: "eu-west-1_AbCdEf123",
        SIGNIN_TABLE: "SignInAttempts",
      }),
    );
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("Missing OIDC_CLIENT_SECRET. Expected: client secret (LOGIN_MODE=branded computes SECRET_HASH)");
  });
});
