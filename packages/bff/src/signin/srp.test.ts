import { afterEach, describe, expect, it, vi } from "vitest";
import { createSrpServer, SRP_N } from "../testing/srp-server.ts";
import { computePasswordClaim, createSrpClientKey } from "./srp.ts";

const POOL = "eu-west-1_AbCdEf123";

afterEach(() => {
  vi.useRealTimers();
});

function challengeOf(state: ReturnType<ReturnType<typeof createSrpServer>["challenge"]>, userIdForSrp = "alice") {
  return {
    userIdForSrp,
    srpBHex: state.parameters.SRP_B,
    saltHex: state.parameters.SALT,
    secretBlock: state.parameters.SECRET_BLOCK,
  };
}

describe("Cognito SRP client", () => {
  it("sends an SRP_A in the 3072-bit group, fresh for every sign-in", async () => {
    // Act
    const first = await createSrpClientKey(POOL);
    const second = await createSrpClientKey(POOL);
    // Assess
    const A = BigInt(`0x${first.largeAHex}`);
    expect(first.largeAHex).toMatch(/^[0-9a-f]+$/);
    expect(A > 1n && A < SRP_N).toBe(true);
    expect(second.largeAHex).not.toBe(first.largeAHex);
  });

  it("proves the right password to a server that holds only the verifier", async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ["Date"], now: new Date(Date.UTC(2026, 8, 5, 9, 3, 7)) });
    const server = createSrpServer({ userPoolId: POOL, userIdForSrp: "alice", password: "correct horse" });
    const key = await createSrpClientKey(POOL);
    const state = server.challenge(key.largeAHex);
    // Act
    const claim = await computePasswordClaim({ userPoolId: POOL, password: "correct horse", key, challenge: challengeOf(state) });
    // Assess
    expect(claim.timestamp).toBe("Sat Sep 5 09:03:07 UTC 2026");
    expect(server.verify(state, claim.signature, claim.timestamp)).toBe(true);
  });

  it("produces a claim the server refuses for a wrong password", async () => {
    // Prepare
    const server = createSrpServer({ userPoolId: POOL, userIdForSrp: "alice", password: "correct horse" });
    const key = await createSrpClientKey(POOL);
    const state = server.challenge(key.largeAHex);
    // Act
    const claim = await computePasswordClaim({ userPoolId: POOL, password: "wrong horse", key, challenge: challengeOf(state) });
    // Assess
    expect(server.verify(state, claim.signature, claim.timestamp)).toBe(false);
  });

  it("produces a claim the server refuses for another user pool", async () => {
    // Prepare
    const server = createSrpServer({ userPoolId: POOL, userIdForSrp: "alice", password: "correct horse" });
    const other = "eu-west-1_Other9999";
    const key = await createSrpClientKey(other);
    const state = server.challenge(key.largeAHex);
    // Act
    const claim = await computePasswordClaim({ userPoolId: other, password: "correct horse", key, challenge: challengeOf(state) });
    // Assess
    expect(server.verify(state, claim.signature, claim.timestamp)).toBe(false);
  });

  it("refuses an SRP_B that is a multiple of N", async () => {
    // Prepare
    const key = await createSrpClientKey(POOL);
    // Act
    const claim = computePasswordClaim({
      userPoolId: POOL,
      password: "p",
      key,
      challenge: { userIdForSrp: "a", srpBHex: SRP_N.toString(16), saltHex: "01", secretBlock: "" },
    });
    // Assess
    await expect(claim).rejects.toThrow(new Error("B cannot be zero."));
  });

  it("stamps the claim in Cognito's format, with an unpadded day of month", async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ["Date"], now: new Date(Date.UTC(2027, 0, 1, 0, 0, 0)) });
    const server = createSrpServer({ userPoolId: POOL, userIdForSrp: "alice", password: "pw" });
    const key = await createSrpClientKey(POOL);
    const state = server.challenge(key.largeAHex);
    // Act
    const claim = await computePasswordClaim({ userPoolId: POOL, password: "pw", key, challenge: challengeOf(state) });
    // Assess
    expect(claim.timestamp).toBe("Fri Jan 1 00:00:00 UTC 2027");
    expect(server.verify(state, claim.signature, claim.timestamp)).toBe(true);
  });
});
