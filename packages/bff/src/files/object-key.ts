import { randomUUID } from "node:crypto";
import { BadRequestError, ErrorCodes, ForbiddenError } from "@spa-bff/core";
import { sanitizeFileName } from "./file-name.ts";

/** Every user's files live under `uploads/<sub>/`; the IAM role is limited to the same prefix by the `sub` policy variable. */
export const uploadsRoot = "uploads";

// Cognito subs are UUIDs; Auth0's look like "auth0|5f7c…" or "google-oauth2|1234". The key must hold the
// sub unchanged, because the role's policy matches `uploads/${provider:sub}/*` literally.
const subPattern = /^[A-Za-z0-9@|:+=._-]{1,128}$/;
const uuidPattern = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const objectNamePattern = new RegExp(`^(${uuidPattern})-([A-Za-z0-9][A-Za-z0-9._-]{0,99})$`);

/**
 * Returns the subject when it can be used as a key segment as it is
 * (1–128 characters of `A-Z a-z 0-9 @ | : + = . _ -`, not `.` or `..`).
 * Throws `ForbiddenError` otherwise: such an account cannot own files.
 */
export function assertSafeSub(sub: string): string {
  if (!subPattern.test(sub) || /^\.+$/.test(sub)) {
    throw new ForbiddenError("This account's subject cannot be used as a storage prefix");
  }
  return sub;
}

/**
 * The prefix of a user's own files, ending in `/` so that `alice` never
 * matches `alice2`'s files.
 *
 * @example
 * userPrefix("0d8e…"); // "uploads/0d8e…/"
 */
export function userPrefix(sub: string): string {
  return `${uploadsRoot}/${assertSafeSub(sub)}/`;
}

/**
 * A new object key `uploads/<sub>/<uuid>-<safe name>`. The random UUID keeps
 * two uploads of the same name apart and makes keys unguessable.
 *
 * @example
 * createObjectKey("0d8e…", "cat.png"); // "uploads/0d8e…/5b1c…-cat.png"
 */
export function createObjectKey(sub: string, name: string, newId: () => string = randomUUID): string {
  return `${userPrefix(sub)}${newId()}-${sanitizeFileName(name)}`;
}

/** A key split into its parts by {@link parseObjectKey}. */
export interface ObjectKeyParts {
  key: string;
  owner: string;
  id: string;
  /** The sanitised file name, as shown to the user. */
  name: string;
}

/**
 * Parses a key in exactly the form {@link createObjectKey} produces. The key
 * must arrive decoded once (as a route parameter is): any `%` left over, a
 * backslash, a control character, a non-ASCII character, an extra or empty
 * segment, `.` or `..` makes it malformed.
 *
 * Throws `BadRequestError` (`invalid_key`, 400) for a malformed key.
 */
export function parseObjectKey(key: unknown): ObjectKeyParts {
  // Keys are printable ASCII by construction; anything else is a trick (encodings, look-alikes, NUL).
  if (typeof key !== "string" || key.length === 0 || key.length > 1024 || !/^[\x21-\x7e]+$/.test(key) || /[%\\]/.test(key)) {
    throw invalidKey();
  }
  const segments = key.split("/");
  const [root, owner, object] = segments;
  if (segments.length !== 3 || root !== uploadsRoot || owner === undefined || object === undefined) throw invalidKey();
  if (!subPattern.test(owner) || /^\.+$/.test(owner)) throw invalidKey();
  const match = objectNamePattern.exec(object);
  const id = match?.[1];
  const name = match?.[2];
  if (id === undefined || name === undefined || /\.{2,}/.test(name)) throw invalidKey();
  return { key, owner, id, name };
}

/**
 * Returns the parsed key when it lies under the user's own prefix. Checked
 * before any S3 call, as a second fence behind the role's own policy.
 *
 * Throws `BadRequestError` (`invalid_key`, 400) for a malformed key and
 * `ForbiddenError` (`forbidden`, 403) for another user's key.
 *
 * @example
 * assertOwnedKey(session.user.sub, event.pathParameters.key);
 */
export function assertOwnedKey(sub: string, key: unknown): ObjectKeyParts {
  const parts = parseObjectKey(key);
  if (parts.owner !== assertSafeSub(sub)) throw new ForbiddenError("The file belongs to another user");
  return parts;
}

function invalidKey(): BadRequestError {
  return new BadRequestError('"key" must be a file key of the form uploads/<owner>/<id>-<name>', { code: ErrorCodes.invalidKey });
}
