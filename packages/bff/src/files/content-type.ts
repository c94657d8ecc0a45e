import { BadRequestError, ErrorCodes } from "@spa-bff/core";

/**
 * The content types a user may upload. Each is bound into the presigned
 * URL's signature, so S3 refuses an upload that sends another type. HTML,
 * SVG and scripts are deliberately absent: served back, they could run in a
 * browser.
 */
export const allowedContentTypes: readonly string[] = Object.freeze([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/pdf",
  "text/plain",
]);

/**
 * Returns the content type when it is on the allowlist, compared exactly
 * (after trimming and lower-casing): no parameters, no wildcards.
 *
 * Throws `BadRequestError` (`unsupported_content_type`, 400) otherwise.
 *
 * @example
 * assertAllowedContentType("image/png"); // "image/png"
 */
export function assertAllowedContentType(contentType: unknown): string {
  const normalized = typeof contentType === "string" ? contentType.trim().toLowerCase() : "";
  if (!allowedContentTypes.includes(normalized)) {
    throw new BadRequestError(`"contentType" must be one of: ${allowedContentTypes.join(", ")}`, {
      code: ErrorCodes.unsupportedContentType,
    });
  }
  return normalized;
}
