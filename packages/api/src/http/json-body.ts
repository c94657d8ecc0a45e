import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from "@spa-bff/core";
import type { APIGatewayProxyEvent } from "aws-lambda";

/** Largest JSON body accepted (an item is tiny; this keeps parsing cheap). */
export const maxJsonBodyBytes = 16 * 1024;

/** Parses the request body as JSON; a missing, oversized or invalid body is a 400/413/415, never a 500. */
export function parseJsonBody(event: APIGatewayProxyEvent): unknown {
  if (event.body === null || event.body === "") throw new BadRequestError("A JSON body is required");
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  if (Buffer.byteLength(text, "utf8") > maxJsonBodyBytes) throw new PayloadTooLargeError(maxJsonBodyBytes);
  const contentType = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === "content-type")?.[1];
  if (contentType !== undefined && !/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new UnsupportedMediaTypeError('"content-type" must be application/json');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError("The body is not valid JSON");
  }
}
