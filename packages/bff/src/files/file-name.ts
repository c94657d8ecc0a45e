import { BadRequestError, ErrorCodes } from "@spa-bff/core";

/** Longest name (in characters, before sanitising) a client may send. */
const maxRawNameLength = 255;
/** Longest sanitised name kept in a key; long enough to recognise a file, short enough for S3's 1024-byte keys. */
const maxSafeNameLength = 100;
// C0/C1 controls, NUL, DEL and the Unicode line/paragraph separators: never part of an honest file name.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point of this check.
const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Turns a user-supplied file name into a safe subset: ASCII letters, digits,
 * `.`, `_` and `-`, starting with a letter or digit, at most 100 characters
 * with the extension kept. Directory parts (`/`, `\`) are dropped, and the
 * name is NFKC-normalised first so full-width look-alikes (`．．／`) cannot
 * smuggle a path. Nothing is percent-decoded: `%2e%2e` stays inert text.
 *
 * Throws `BadRequestError` (`invalid_file_name`, 400) for a name that is not
 * a string, is empty or too long, contains control characters (NUL included),
 * or keeps no letter or digit after sanitising.
 *
 * @example
 * sanitizeFileName("../../etc/passwd");    // "passwd"
 * sanitizeFileName("Résumé 2024 (1).pdf"); // "R_sum_2024_1_.pdf"
 */
export function sanitizeFileName(name: unknown): string {
  if (typeof name !== "string" || name.length === 0) throw invalidName('"name" must be a non-empty string');
  if (name.length > maxRawNameLength) throw invalidName(`"name" must be at most ${maxRawNameLength} characters`);
  if (controlCharacters.test(name)) throw invalidName('"name" must not contain control characters');
  const normalized = name.normalize("NFKC");
  const base = normalized.slice(Math.max(normalized.lastIndexOf("/"), normalized.lastIndexOf("\\")) + 1);
  const safe = base
    .replace(/[^A-Za-z0-9._-]/g, "_")
    .replace(/_{2,}/g, "_")
    // A leading dot, dash or underscore would make a hidden file, an option-looking name or a ".." segment.
    .replace(/^[._-]+/, "")
    .replace(/\.{2,}/g, ".");
  const shortened = truncateKeepingExtension(safe, maxSafeNameLength);
  if (!/[A-Za-z0-9]/.test(shortened)) throw invalidName('"name" must contain at least one letter or digit');
  return shortened;
}

function truncateKeepingExtension(name: string, max: number): string {
  if (name.length <= max) return name;
  const dot = name.lastIndexOf(".");
  const extension = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : "";
  return name.slice(0, max - extension.length) + extension;
}

function invalidName(message: string): BadRequestError {
  return new BadRequestError(message, { code: ErrorCodes.invalidFileName });
}
