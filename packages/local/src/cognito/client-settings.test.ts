import { ConfigError } from "@spa-bff/core";
import { describe, expect, it } from "vitest";
import { customAuthClient } from "../testing/idp.ts";
import { type CognitoClientSettings, validateClientSettings } from "./client-settings.ts";

const web: CognitoClientSettings = customAuthClient("local_web", "secret");

describe("local Cognito app client settings", () => {
  it("accepts what Cognito accepts", () => {
    // Prepare
    const { clientSecret: _secret, ...publicClient } = web;
    // Act
    const act = () => validateClientSettings([web, { ...publicClient, clientId: "public", authSessionSeconds: 900 }]);
    // Assess
    expect(act).not.toThrow();
  });

  it("names every value Cognito would refuse in one ConfigError", () => {
    // Prepare
    const bad: CognitoClientSettings = {
      ...web,
      clientId: "web client",
      refreshTokenRotation: { enabled: true, retryGraceSeconds: 61 },
      accessTokenSeconds: 60,
      idTokenSeconds: 86_401,
      refreshTokenSeconds: 1800,
      authSessionSeconds: 60,
      explicitAuthFlows: ["ALLOW_EVERYTHING" as never],
    };
    // Act
    const act = () => validateClientSettings([bad, bad]);
    // Assess
    expect(act).toThrow(ConfigError);
    const message = (() => {
      try {
        act();
      } catch (error) {
        return (error as Error).message;
      }
      return "";
    })();
    for (const part of [
      'clientId "web client"',
      "declared twice",
      'unknown explicit auth flow "ALLOW_EVERYTHING"',
      "retryGraceSeconds 61, expected 0–60",
      "accessTokenSeconds 60",
      "idTokenSeconds 86401",
      "refreshTokenSeconds 1800",
      "authSessionSeconds 60",
    ]) {
      expect(message).toContain(part);
    }
  });
});
