import { BadRequestError, PayloadTooLargeError } from "@spa-bff/core";
import * as z from "zod/mini";
import { type BffRequest, bodyBytes } from "./request.ts";

/**
 * The request's JSON body, checked against `schema`: 413 past `maxBytes`,
 * 400 when it is not JSON, 400 `validation_failed` with one message per
 * field when it does not match. The routes that take a body are small JSON
 * forms, so every one sets a small bound.
 */
export function parseJsonBody<T>(request: BffRequest, schema: z.ZodMiniType<T>, limits: { maxBytes: number; what: string }): T {
  const bytes = bodyBytes(request);
  if (bytes.length > limits.maxBytes) throw new PayloadTooLargeError(limits.maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new BadRequestError("The request body must be JSON");
  }
  const parsed = z.safeParse(schema, value);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const name = issue.path.length > 0 ? String(issue.path[0]) : "body";
    fields[name] ??= name === "body" ? "A JSON object" : issue.message;
  }
  throw new BadRequestError(`The ${limits.what} request is invalid`, { code: "validation_failed", details: { fields } });
}
