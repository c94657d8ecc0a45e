import { describe, expect, it } from "vitest";
import { decodeTokens, encodeTokens } from "./session-item.ts";
import type { TokenSet } from "./types.ts";

const tokens: TokenSet = { accessToken: "at", accessTokenExpiresAt: 1_800_000_900, idToken: "it", refreshToken: "rt" };
const fileCredentials = { accessKeyId: "ASIA1", secretAccessKey: "secret", sessionToken: "token", expiresAt: 1_800_000_900 };

describe("encodeTokens / decodeTokens", () => {
  it("keeps federated file credentials inside the sealed token set", () => {
    // Act
    const decoded = decodeTokens(encodeTokens({ ...tokens, fileCredentials }));
    // Assess
    expect(decoded).toEqual({ ...tokens, fileCredentials });
  });

  it("keeps static credentials without a session token", () => {
    // Prepare
    const { sessionToken: _unused, ...staticCredentials } = fileCredentials;
    // Act
    const decoded = decodeTokens(encodeTokens({ ...tokens, fileCredentials: staticCredentials }));
    // Assess
    expect(decoded?.fileCredentials).toEqual(staticCredentials);
  });

  it("reads a token set written before file credentials existed", () => {
    expect(decodeTokens(encodeTokens(tokens))).toEqual(tokens);
  });

  it.each([
    [{ accessKeyId: "a", secretAccessKey: "s" }],
    [{ accessKeyId: "a", secretAccessKey: 1, expiresAt: 1 }],
    [{ accessKeyId: "a", secretAccessKey: "s", sessionToken: 5, expiresAt: 1 }],
    ["not an object"],
  ])("rejects a token set whose file credentials are malformed: %j", (malformed) => {
    // Prepare
    const bytes = new TextEncoder().encode(JSON.stringify({ ...tokens, fileCredentials: malformed }));
    // Act + Assess
    expect(decodeTokens(bytes)).toBeUndefined();
  });
});
