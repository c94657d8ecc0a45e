/**
 * Compile-only checks of the error contract every part answers with:
 * `{"error":"code","message":"…"}`. Checked by `npm run typecheck`, never run.
 */
import { expectTypeOf } from "vitest";
import {
  AppError,
  type BadRequestError,
  ConfigError,
  type ErrorBody,
  type ErrorCode,
  ErrorCodes,
  toErrorBody,
  UnauthenticatedError,
  UpstreamTimeoutError,
} from "./index.ts";

// ErrorCode is exactly the union of the ErrorCodes values: declared once, never widened to string.
expectTypeOf<ErrorCode>().toEqualTypeOf<(typeof ErrorCodes)[keyof typeof ErrorCodes]>();
expectTypeOf<"csrf_required">().toExtend<ErrorCode>();
expectTypeOf<"session_expired">().toExtend<ErrorCode>();
expectTypeOf<string>().not.toExtend<ErrorCode>();
expectTypeOf(ErrorCodes.csrf).toEqualTypeOf<"csrf_required">();
expectTypeOf(ErrorCodes.upstreamTimeout).toEqualTypeOf<"upstream_timeout">();

// ErrorBody: the code, a message and optional safe details; nothing else (no stack, no cause).
expectTypeOf<ErrorBody>().toEqualTypeOf<{ error: ErrorCode; message: string; details?: Record<string, unknown> }>();
expectTypeOf<keyof ErrorBody>().toEqualTypeOf<"error" | "message" | "details">();

// toErrorBody takes anything thrown and gives the status and body a client may see.
expectTypeOf(toErrorBody).parameters.toEqualTypeOf<[error: unknown]>();
expectTypeOf(toErrorBody).returns.toEqualTypeOf<{ status: number; body: ErrorBody }>();

// Every error carries its wire code, status and exposure.
expectTypeOf<BadRequestError>().toExtend<AppError>();
expectTypeOf<AppError["code"]>().toEqualTypeOf<ErrorCode>();
expectTypeOf<AppError["status"]>().toEqualTypeOf<number>();
expectTypeOf<AppError["expose"]>().toEqualTypeOf<boolean>();
expectTypeOf(new UpstreamTimeoutError()).toHaveProperty("code").toEqualTypeOf<ErrorCode>();

// @ts-expect-error a code outside ErrorCodes is not an ErrorCode
export const unknownCode: ErrorCode = "token_expired";

// @ts-expect-error the body's code is typed, so a typo cannot reach the wire
export const typo: ErrorBody = { error: "csrf", message: "x" };

// @ts-expect-error a body has no stack (or any other key)
export const withStack: ErrorBody = { error: "internal_error", message: "Internal error", stack: "at …" };

// @ts-expect-error a message is required
export const withoutMessage: ErrorBody = { error: "bad_request" };

// @ts-expect-error AppError is abstract: every error is one of the named classes
export const bare = new AppError("bad_request", 400, "x");

// @ts-expect-error an error's code option takes an ErrorCode only
export const badOption = new UnauthenticatedError("x", { code: "expired" });

// @ts-expect-error ConfigError needs its message (it names the missing variables)
export const noMessage = new ConfigError();
