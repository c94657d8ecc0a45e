import { BadRequestError, ErrorCodes } from "@spa-bff/core";
import { hasControlCharacter } from "../http/control-characters.ts";

const API_PREFIX = "/api/";

/**
 * The upstream path for a raw `/api/…` request path, segment by segment:
 * each segment must decode cleanly to something that is not `.` or `..`
 * and holds no slash, backslash, `%` (double encoding) or control
 * character. Anything else is `invalid_path`, so no request can climb out
 * of the API base path or smuggle a second path through an encoded slash.
 * @see https://owasp.org/www-community/attacks/Path_Traversal
 *
 * @example
 * upstreamPathOf("/api/items/42"); // "items/42"
 * upstreamPathOf("/api/items/%2e%2e/admin"); // throws BadRequestError (invalid_path)
 */
export function upstreamPathOf(rawPath: string): string {
  if (!rawPath.startsWith(API_PREFIX)) throw invalidPath();
  const rest = rawPath.slice(API_PREFIX.length);
  if (rest.length === 0 || rest.length > 2048) throw invalidPath();
  const segments = rest.split("/");
  segments.forEach((segment, index) => {
    // A trailing slash is a path the API may route; an empty segment elsewhere ("a//b") is not.
    if (segment === "" && index === segments.length - 1 && index > 0) return;
    checkSegment(segment);
  });
  return rest;
}

function checkSegment(segment: string): void {
  if (segment === "" || isUnsafe(segment)) throw invalidPath();
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw invalidPath();
  }
  if (decoded === "." || decoded === ".." || isUnsafe(decoded) || decoded.includes("/") || decoded.includes("%")) throw invalidPath();
}

/** Backslashes and control characters: never in a path the SPA builds, and some servers treat `\` as `/`. */
function isUnsafe(value: string): boolean {
  return value.includes("\\") || hasControlCharacter(value);
}

function invalidPath(): BadRequestError {
  return new BadRequestError("The API path is not allowed", { code: ErrorCodes.invalidPath });
}

/**
 * The one upstream URL for a checked path: always the configured base, and
 * checked again after URL parsing so no host, port or scheme can come from
 * the request.
 */
export function upstreamUrlOf(apiBaseUrl: string, path: string, rawQuery: string | undefined): URL {
  const base = new URL(`${apiBaseUrl}/`);
  const url = new URL(`${apiBaseUrl}/${path}${rawQuery ? `?${rawQuery}` : ""}`);
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) throw invalidPath();
  return url;
}
