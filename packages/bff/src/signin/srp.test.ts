import { describe, expect, it } from "vitest";
import { cognitoTimestamp, computePasswordClaim, createSrpClientKey, padHex, SRP_N } from "./srp.ts";
import { createSrpServer } from "./testing/srp-server.ts";

const POOL = "eu-west-1_AbCdEf123";

describe("Cognito SRP client", () => {
  it("uses the 3072-bit RFC 3526 group", () => {
    // Act
    const hex = SRP_N.toString(16).toUpperCase();
    // Assess
    expect(hex).toHaveLength(768);
    expect(hex.startsWith("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1")).toBe(true);
    expect(hex.endsWith("43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF")).toBe(true);
  });

  it("proves the right password to a server that holds only the verifier", () => {
    // Prepare
    const server = createSrpServer({ userPoolId: POOL, userIdForSrp: "alice", password: "correct horse" });
    const key = createSrpClientKey();
    const state = server.challenge(key.largeAHex);
    // Act
    const claim = computePasswordClaim({
      userPoolId: POOL,
      password: "correct horse",
      key,
      challenge: {
        userIdForSrp: "alice",
        srpBHex: state.parameters.SRP_B,
        saltHex: state.parameters.SALT,
        secretBlock: state.parameters.SECRET_BLOCK,
      },
      date: new Date(Date.UTC(2026, 8, 5, 9, 3, 7)),
    });
    // Assess
    expect(claim.timestamp).toBe("Sat Sep 5 09:03:07 UTC 2026");
    expect(server.verify(state, claim.signature, claim.timestamp)).toBe(true);
  });

  it("produces a claim the server refuses for a wrong password", () => {
    // Prepare
    const server = createSrpServer({ userPoolId: POOL, userIdForSrp: "alice", password: "correct horse" });
    const key = createSrpClientKey();
    const state = server.challenge(key.largeAHex);
    // Act
    const claim = computePasswordClaim({
      userPoolId: POOL,
      password: "wrong horse",
      key,
      challenge: {
        userIdForSrp: "alice",
        srpBHex: state.parameters.SRP_B,
        saltHex: state.parameters.SALT,
        secretBlock: state.parameters.SECRET_BLOCK,
      },
      date: new Date(),
    });
    // Assess
    expect(server.verify(state, claim.signature, claim.timestamp)).toBe(false);
  });

  it("refuses an SRP_B that is a multiple of N", () => {
    // Prepare
    const key = createSrpClientKey();
    // Act
    const act = () =>
      computePasswordClaim({
        userPoolId: POOL,
        password: "p",
        key,
        challenge: { userIdForSrp: "a", srpBHex: SRP_N.toString(16), saltHex: "01", secretBlock: "" },
        date: new Date(),
      });
    // Assess
    expect(act).toThrow(new Error("Invalid SRP_B"));
  });

  it("pads hex like the reference client: even length, 00 before a high bit", () => {
    // Act & Assess
    expect(padHex(0xabcn)).toBe("0abc");
    expect(padHex(0x7fn)).toBe("7f");
    expect(padHex(0x80n)).toBe("0080");
  });

  it("formats the timestamp with an unpadded day of month", () => {
    // Act & Assess
    expect(cognitoTimestamp(new Date(Date.UTC(2026, 10, 21, 5, 4, 3)))).toBe("Sat Nov 21 05:04:03 UTC 2026");
    expect(cognitoTimestamp(new Date(Date.UTC(2027, 0, 1, 0, 0, 0)))).toBe("Fri Jan 1 00:00:00 UTC 2027");
  });
});
