import { describe, expect, it } from "vitest";
import { signInMethodOf } from "./sign-in-method.ts";

describe("signInMethodOf", () => {
  it("reports federated when Cognito lists the identities that vouched for the user", () => {
    // Act / Assess
    expect(signInMethodOf({ identities: [{ providerName: "Google" }], amr: ["pwd"] })).toBe("federated");
  });

  it("reports password and code when the amr names a second factor", () => {
    // Act / Assess
    expect(signInMethodOf({ amr: ["pwd", "otp"] })).toBe("password_and_code");
    expect(signInMethodOf({ amr: ["mfa"] })).toBe("password_and_code");
  });

  it("reports password when the token proves nothing more (Cognito's own tokens carry no amr)", () => {
    // Act / Assess
    expect(signInMethodOf({ amr: ["pwd"] })).toBe("password");
    expect(signInMethodOf({})).toBe("password");
    expect(signInMethodOf({ amr: "otp", identities: [] })).toBe("password");
  });
});
