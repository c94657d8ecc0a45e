import { IdpError } from "@spa-bff/core";
import { describe, expect, it } from "vitest";
import { OidcRejectedError, toOidcError } from "./oidc-errors.ts";

function named(name: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error("response text that may quote a token"), { name, ...fields });
}

describe("toOidcError", () => {
  it("maps an OAuth error answer (invalid_grant) to OidcRejectedError with the code as reason", () => {
    const error = toOidcError(named("ResponseBodyError", { error: "invalid_grant", status: 400 }));
    expect(error).toBeInstanceOf(OidcRejectedError);
    expect(error).toMatchObject({ code: "login_failed", reason: "invalid_grant", status: 400 });
  });

  it("maps a failed check of an answer (ClientError) to OidcRejectedError", () => {
    expect(toOidcError(named("ClientError", { code: "OAUTH_JWT_CLAIM_COMPARISON_FAILED" }))).toMatchObject({
      reason: "OAUTH_JWT_CLAIM_COMPARISON_FAILED",
    });
  });

  it.each([
    ["a network failure", new TypeError("fetch failed")],
    ["a 5xx OAuth answer", named("ResponseBodyError", { error: "server_error", status: 503 })],
    ["a non-conform response", named("ClientError", { code: "OAUTH_RESPONSE_IS_NOT_CONFORM" })],
    ["a timeout", named("TimeoutError", {})],
  ])("maps %s to IdpError", (_name, cause) => {
    const error = toOidcError(cause);
    expect(error).toBeInstanceOf(IdpError);
    expect(error).toMatchObject({ code: "idp_unavailable", status: 502 });
  });

  it("keeps only a safe reason", () => {
    expect(new OidcRejectedError("bad reason with spaces").reason).toBe("rejected");
  });
});
