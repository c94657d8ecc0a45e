import { describe, expect, it } from "vitest";
import type { CognitoClientSettings } from "./client-settings.ts";
import { CognitoServiceError } from "./errors.ts";
import { createRefreshTokenStore } from "./refresh-tokens.ts";

const client: CognitoClientSettings = {
  clientId: "web",
  clientSecret: "secret",
  explicitAuthFlows: ["ALLOW_CUSTOM_AUTH"],
  refreshTokenRotation: { enabled: true, retryGraceSeconds: 10 },
  accessTokenSeconds: 900,
  idTokenSeconds: 900,
  refreshTokenSeconds: 8 * 3600,
  preventUserExistenceErrors: true,
};
const other: CognitoClientSettings = { ...client, clientId: "other" };

function setup() {
  const clock = { now: Date.UTC(2026, 0, 1) };
  const store = createRefreshTokenStore({ now: () => clock.now });
  const { token, family } = store.create({ client, username: "alice", sub: "sub-alice", authTime: 1 });
  return { clock, store, token, family };
}

function refusal(act: () => unknown): { type: string; message: string } {
  try {
    act();
  } catch (error) {
    if (error instanceof CognitoServiceError) return { type: error.type, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("refresh tokens with rotation", () => {
  it("gives a new opaque token at each use, of the same family", () => {
    // Prepare
    const { store, token, family } = setup();
    // Act
    const first = store.use(token, client, true);
    const second = store.use(first.newToken ?? "", client, true);
    // Assess
    expect(token.split(".")).toHaveLength(1);
    expect(first.newToken).toEqual(expect.any(String));
    expect(new Set([token, first.newToken, second.newToken]).size).toBe(3);
    expect(second.family.id).toBe(family.id);
  });

  it("honours the rotated-out token for the retry grace period, and replaces the token its first use gave", () => {
    // Prepare
    const { store, token, clock } = setup();
    const first = store.use(token, client, true);
    clock.now += 9_999;
    // Act
    const retry = store.use(token, client, true);
    // Assess
    expect(retry.newToken).not.toBe(first.newToken);
    expect(refusal(() => store.use(first.newToken ?? "", client, true)).type).toBe("RefreshTokenReuseException");
  });

  it("treats the rotated-out token after the grace period as stolen: refused, and the whole family revoked", () => {
    // Prepare
    const { store, token, clock, family } = setup();
    const current = store.use(token, client, true).newToken ?? "";
    clock.now += 10_000;
    // Act
    const reuse = refusal(() => store.use(token, client, true));
    // Assess
    expect(reuse.type).toBe("RefreshTokenReuseException");
    expect(family.revoked).toBe("reuse_detected");
    expect(refusal(() => store.use(current, client, true))).toEqual({
      type: "NotAuthorizedException",
      message: "Refresh Token has been revoked",
    });
  });

  it("refuses every token once the validity since the sign-in is over, whatever the rotations", () => {
    // Prepare
    const { store, token, clock } = setup();
    clock.now += 8 * 3600 * 1000 - 1;
    const latest = store.use(token, client, true).newToken ?? "";
    clock.now += 1;
    // Act
    const late = refusal(() => store.use(latest, client, true));
    // Assess
    expect(late).toEqual({ type: "NotAuthorizedException", message: "Refresh Token has expired" });
  });

  it("does not rotate for a client without rotation: the same token keeps working", () => {
    // Prepare
    const { store, token } = setup();
    // Act
    const first = store.use(token, client, false);
    const second = store.use(token, client, false);
    // Assess
    expect(first.newToken).toBeUndefined();
    expect(second.family.revoked).toBeUndefined();
  });

  it("refuses another client's token and an unknown one as invalid", () => {
    // Prepare
    const { store, token } = setup();
    // Act
    const foreign = refusal(() => store.use(token, other, true));
    const unknown = refusal(() => store.use("nope", client, true));
    // Assess
    expect(foreign).toEqual({ type: "NotAuthorizedException", message: "Invalid Refresh Token" });
    expect(unknown).toEqual(foreign);
  });

  it("revokes every family of a user at once", () => {
    // Prepare
    const { store, token } = setup();
    const second = store.create({ client: other, username: "alice", sub: "sub-alice", authTime: 2 });
    const bob = store.create({ client, username: "bob", sub: "sub-bob", authTime: 3 });
    // Act
    const count = store.revokeUser("sub-alice", "signed_out");
    // Assess
    expect(count).toBe(2);
    expect(refusal(() => store.use(token, client, true)).message).toBe("Refresh Token has been revoked");
    expect(refusal(() => store.use(second.token, other, true)).message).toBe("Refresh Token has been revoked");
    expect(store.use(bob.token, client, true).newToken).toEqual(expect.any(String));
  });
});
