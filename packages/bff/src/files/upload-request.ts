import { BadRequestError, ErrorCodes } from "@spa-bff/core";
import { assertAllowedContentType } from "./content-type.ts";
import { sanitizeFileName } from "./file-name.ts";

/** The largest file a user may upload: 10 MiB. */
export const maxFileBytes = 10 * 1024 * 1024;

/** A validated upload request: the name is already sanitised. */
export interface UploadRequest {
  /** The sanitised file name (see {@link sanitizeFileName}). */
  name: string;
  /** One of {@link allowedContentTypes}. */
  contentType: string;
  /** Exact size in bytes, 1 … {@link maxFileBytes}; bound into the signature. */
  size: number;
}

/**
 * Validates the JSON body of `POST /files/uploads` (`{name, contentType, size}`),
 * already parsed by the caller. Unknown fields are ignored.
 *
 * Throws `BadRequestError` with code `bad_request` (not an object),
 * `invalid_file_name`, `unsupported_content_type` or `file_too_large`.
 *
 * @example
 * parseUploadRequest({ name: "cat.png", contentType: "image/png", size: 1234 });
 */
export function parseUploadRequest(body: unknown, limit: number = maxFileBytes): UploadRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new BadRequestError('The body must be a JSON object {"name","contentType","size"}');
  }
  const { name, contentType, size } = body as Record<string, unknown>;
  return { name: sanitizeFileName(name), contentType: assertAllowedContentType(contentType), size: assertFileSize(size, limit) };
}

/**
 * Returns the size when it is a whole number of bytes from 1 to `limit`.
 * Throws `BadRequestError` (`file_too_large` above the limit, `bad_request` otherwise).
 */
export function assertFileSize(size: unknown, limit: number = maxFileBytes): number {
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 1) {
    throw new BadRequestError('"size" must be a whole number of bytes, at least 1');
  }
  if (size > limit) throw new BadRequestError(`"size" must be at most ${limit} bytes`, { code: ErrorCodes.fileTooLarge });
  return size;
}
