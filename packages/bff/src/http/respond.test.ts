import { BadRequestError, createLogger, ErrorCodes, SessionStoreError } from "@spa-bff/core";
import { describe, expect, it, vi } from "vitest";
import { errorResponse } from "./respond.ts";

function capture() {
  const logger = createLogger("respond-test");
  const lines: string[] = [];
  for (const level of ["info", "warn", "error"] as const)
    vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => void lines.push(JSON.stringify(args)));
  return { logger, lines };
}

describe("errorResponse", () => {
  it("sends a client error's code and message", () => {
    const { logger } = capture();
    const response = errorResponse(new BadRequestError('"code" is missing', { code: ErrorCodes.invalidLoginState }), logger);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? "")).toEqual({ error: "invalid_login_state", message: '"code" is missing' });
  });

  it("sends a fixed message for a server error and logs its cause's class only", () => {
    const { logger, lines } = capture();
    const response = errorResponse(new SessionStoreError("detail", { cause: new Error("socket hang up at secret-host") }), logger);
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body ?? "")).toEqual({
      error: "session_store_unavailable",
      message: "The session store is unavailable, try again shortly",
    });
    expect(lines.join()).not.toContain("secret-host");
  });

  it("turns anything else into 500 internal_error without its message or stack", () => {
    const { logger, lines } = capture();
    const response = errorResponse(new Error("token=abc"), logger, { requestId: "r1" });
    expect(response.statusCode).toBe(500);
    expect(response.body).toBe('{"error":"internal_error","message":"Internal error"}');
    expect(lines.join()).not.toContain("token=abc");
    expect(lines.join()).toContain("r1");
  });
});
