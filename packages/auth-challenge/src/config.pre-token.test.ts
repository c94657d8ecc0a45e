import { ConfigError } from "@spa-bff/core";
import { describe, expect, it } from "vitest";
import { loadPreTokenConfig } from "./config.ts";

describe("loadPreTokenConfig", () => {
  it("reads the scopes and the client ids", () => {
    // Act
    const config = loadPreTokenConfig({ TOKEN_SCOPES: "items/read  items/write items/read", TOKEN_SCOPES_CLIENT_IDS: "abc123, def456" });
    // Assess
    expect(config).toEqual({ scopes: ["items/read", "items/write"], clientIds: ["abc123", "def456"] });
  });

  it('takes "*" as every client of the pool', () => {
    // Act
    const config = loadPreTokenConfig({ TOKEN_SCOPES: "items/read", TOKEN_SCOPES_CLIENT_IDS: "*" });
    // Assess
    expect(config.clientIds).toBe("*");
  });

  it("names every missing variable in one ConfigError", () => {
    // Act
    const act = () => loadPreTokenConfig({});
    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/Missing TOKEN_SCOPES\b.*Missing TOKEN_SCOPES_CLIENT_IDS/);
  });

  it.each([
    ["openid", "an OpenID scope"],
    ["aws.cognito.signin.user.admin", "Cognito's own scope"],
    ["items/", "a scope without a name"],
    ["", "nothing"],
  ])('refuses "%s" (%s) as a scope', (scopes) => {
    // Act
    const act = () => loadPreTokenConfig({ TOKEN_SCOPES: scopes, TOKEN_SCOPES_CLIENT_IDS: "*" });
    // Assess
    expect(act).toThrow(/Invalid TOKEN_SCOPES:/);
  });

  it("refuses a client id Cognito could not have issued", () => {
    // Act
    const act = () => loadPreTokenConfig({ TOKEN_SCOPES: "items/read", TOKEN_SCOPES_CLIENT_IDS: "web client" });
    // Assess
    expect(act).toThrow(/Invalid TOKEN_SCOPES_CLIENT_IDS/);
  });
});
