import { describe, expect, it } from "vitest";
import { decodeTokens, encodeTokens, isValidPolicy, plannedTouch } from "./session-rules.ts";
import type { Session, TokenSet } from "./types.ts";

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

describe("plannedTouch", () => {
  const policy = { idleSeconds: 1800, absoluteSeconds: 3000, touchIntervalSeconds: 300 };
  const session = { touchedAt: 0, idleExpiresAt: 1800, absoluteExpiresAt: 3000 } as Session;

  it("slides the idle deadline once the interval has passed, never past the absolute one", () => {
    expect(plannedTouch(session, 299, policy)).toBeUndefined();
    expect(plannedTouch(session, 300, policy)).toEqual({ touchedAt: 300, idleExpiresAt: 2100, ttl: 2100 });
    expect(plannedTouch(session, 1500, policy)).toEqual({ touchedAt: 1500, idleExpiresAt: 3000, ttl: 3000 });
  });

  it("never touches an expired session", () => {
    expect(plannedTouch(session, 1800, policy)).toBeUndefined();
  });
});

describe("isValidPolicy", () => {
  it("refuses zero, negative and fractional intervals", () => {
    expect(isValidPolicy({ idleSeconds: 1, absoluteSeconds: 1, touchIntervalSeconds: 1 })).toBe(true);
    expect(isValidPolicy({ idleSeconds: 0, absoluteSeconds: 1, touchIntervalSeconds: 1 })).toBe(false);
    expect(isValidPolicy({ idleSeconds: 1, absoluteSeconds: -1, touchIntervalSeconds: 1 })).toBe(false);
    expect(isValidPolicy({ idleSeconds: 1, absoluteSeconds: 1, touchIntervalSeconds: 0.5 })).toBe(false);
  });
});
