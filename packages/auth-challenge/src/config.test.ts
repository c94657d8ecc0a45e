import { ConfigError } from "@spa-bff/core";
import { describe, expect, it } from "vitest";
import { loadAuthChallengeConfig } from "./config.ts";

describe("loadAuthChallengeConfig", () => {
  it("reads the sender identity and region", () => {
    // Act
    const config = loadAuthChallengeConfig({ CODE_SENDER_EMAIL: "no-reply@example.com", AWS_REGION: "eu-west-1" });
    // Assess
    expect(config).toEqual({ senderEmail: "no-reply@example.com", region: "eu-west-1" });
  });

  it("names every missing variable in one ConfigError", () => {
    // Act
    const act = () => loadAuthChallengeConfig({});
    // Assess
    expect(act).toThrow(ConfigError);
    try {
      act();
    } catch (error) {
      expect(error).toMatchObject({ code: "config_invalid" });
      expect((error as Error).message).toContain("Missing CODE_SENDER_EMAIL");
      expect((error as Error).message).toContain("Missing AWS_REGION");
    }
  });

  it("refuses a sender that is not an email address", () => {
    // Act
    const act = () => loadAuthChallengeConfig({ CODE_SENDER_EMAIL: "no-reply", AWS_REGION: "eu-west-1" });
    // Assess
    expect(act).toThrow(/Invalid CODE_SENDER_EMAIL/);
  });
});
