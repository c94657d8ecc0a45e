import { describe, expect, it } from "vitest";
import { createSrpServer, SRP_N } from "./srp-server.ts";

const options = { userPoolId: "eu-west-1_Local1", userIdForSrp: "alice", password: "pw" };

describe("SRP server", () => {
  it("refuses an SRP_A that is 0 mod N, or not hex (SRP-6a's safety check)", () => {
    // Prepare
    const server = createSrpServer(options);
    // Act
    const attempts = ["0", SRP_N.toString(16), (SRP_N * 2n).toString(16), "not-hex"].map((value) => () => server.challenge(value));
    // Assess
    for (const attempt of attempts) expect(attempt).toThrow(RangeError);
  });

  it("answers with Cognito's challenge parameters, a fresh B each time, and the salt it was given", () => {
    // Prepare
    const server = createSrpServer({ ...options, saltHex: "00112233445566778899aabbccddeeff" });
    // Act
    const first = server.challenge("abcdef");
    const second = server.challenge("abcdef");
    // Assess
    expect(Object.keys(first.parameters).sort()).toEqual(["SALT", "SECRET_BLOCK", "SRP_B", "USERNAME", "USER_ID_FOR_SRP"]);
    expect(first.parameters.SALT).toBe("00112233445566778899aabbccddeeff");
    expect(first.parameters.SRP_B).not.toBe(second.parameters.SRP_B);
    expect(server.verify(first, "AAAA", "Thu Jan 1 00:00:00 UTC 2026")).toBe(false);
  });
});
