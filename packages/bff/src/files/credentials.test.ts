import { describe, expect, it } from "vitest";
import {
  type CredentialsProvider,
  type CredentialsRequest,
  credentialsStillValid,
  type FileCredentials,
  resolveCredentials,
} from "./credentials.ts";

const creds = (expiresAt: number): FileCredentials => ({
  accessKeyId: "AKIA",
  secretAccessKey: "secret",
  sessionToken: "token",
  expiresAt,
});

describe("credentialsStillValid", () => {
  it("keeps credentials that outlive now plus the skew", () => {
    // Act
    const valid = credentialsStillValid(creds(1_000), 879, 120);
    // Assess
    expect(valid).toBe(true);
  });

  it("renews credentials that expire within the skew", () => {
    // Act
    const valid = credentialsStillValid(creds(1_000), 880, 120);
    // Assess
    expect(valid).toBe(false);
  });

  it("renews expired credentials", () => {
    // Act
    const valid = credentialsStillValid(creds(1_000), 1_001, 0);
    // Assess
    expect(valid).toBe(false);
  });

  it("uses a two-minute skew by default", () => {
    // Act
    const justInside = credentialsStillValid(creds(1_000), 879);
    const justOutside = credentialsStillValid(creds(1_000), 880);
    // Assess
    expect([justInside, justOutside]).toEqual([true, false]);
  });

  it("asks for credentials when none are cached or the expiry is not a number", () => {
    // Act
    const results = [credentialsStillValid(undefined, 0), credentialsStillValid(creds(Number.NaN), 0)];
    // Assess
    expect(results).toEqual([false, false]);
  });
});

describe("resolveCredentials", () => {
  function countingProvider(): CredentialsProvider & { requests: CredentialsRequest[] } {
    const requests: CredentialsRequest[] = [];
    return {
      requests,
      async getCredentials(request) {
        requests.push(request);
        return creds(request.now + 900);
      },
    };
  }

  it("reuses cached credentials that are still valid without asking the provider", async () => {
    // Prepare
    const provider = countingProvider();
    const cached = creds(2_000);
    // Act
    const result = await resolveCredentials(provider, cached, { sub: "alice", idToken: "id-token", now: 1_000 });
    // Assess
    expect(result).toEqual({ credentials: cached, renewed: false });
    expect(provider.requests).toHaveLength(0);
  });

  it("asks the provider once when the cached credentials are about to expire", async () => {
    // Prepare
    const provider = countingProvider();
    // Act
    const result = await resolveCredentials(provider, creds(1_100), { sub: "alice", idToken: "id-token", now: 1_000 });
    // Assess
    expect(result).toEqual({ credentials: creds(1_900), renewed: true });
    expect(provider.requests).toEqual([{ sub: "alice", idToken: "id-token", now: 1_000 }]);
  });

  it("asks the provider when nothing is cached", async () => {
    // Prepare
    const provider = countingProvider();
    // Act
    const result = await resolveCredentials(provider, undefined, { sub: "alice", idToken: "id-token", now: 1_000 });
    // Assess
    expect(result.renewed).toBe(true);
    expect(provider.requests).toHaveLength(1);
  });
});
