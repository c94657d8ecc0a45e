import { describe, expect, it } from "vitest";
import { BadRequestError, ErrorCodes, IdpError, SessionStoreError, toErrorBody, UpstreamError } from "./errors.ts";

describe("toErrorBody", () => {
  it("sends a client error's code, message and safe details", () => {
    const error = new BadRequestError("The item is invalid", {
      code: ErrorCodes.validationFailed,
      details: { fields: { title: "required" } },
    });
    expect(toErrorBody(error)).toEqual({
      status: 400,
      body: { error: "validation_failed", message: "The item is invalid", details: { fields: { title: "required" } } },
    });
  });

  it("keeps a server error's code but replaces its message and drops its cause and details", () => {
    const error = new UpstreamError("connect ECONNREFUSED 10.0.3.7:443 token=abc", {
      cause: new Error("secret"),
      details: { host: "10.0.3.7" },
    });
    expect(toErrorBody(error)).toEqual({
      status: 502,
      body: { error: "upstream_unavailable", message: "The upstream service is unavailable" },
    });
    expect(toErrorBody(new SessionStoreError("DynamoDB said x")).body.message).toBe("The session store is unavailable, try again shortly");
    expect(toErrorBody(new IdpError("fetch failed")).body.message).toBe("The identity provider is unavailable");
  });

  it("turns anything that is not an AppError into a fixed internal_error", () => {
    expect(toErrorBody(new TypeError("Cannot read properties of undefined (reading 'refresh_token')"))).toEqual({
      status: 500,
      body: { error: "internal_error", message: "Internal error" },
    });
    expect(toErrorBody("a string")).toEqual({ status: 500, body: { error: "internal_error", message: "Internal error" } });
  });

  it("keeps a literal name after minification and marks client errors exposable", () => {
    const error = new BadRequestError("bad");
    expect(error.name).toBe("BadRequestError");
    expect(error.expose).toBe(true);
    expect(new UpstreamError().expose).toBe(false);
  });
});
