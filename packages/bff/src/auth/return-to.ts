import { hasControlCharacter } from "../http/control-characters.ts";

const FALLBACK = "/";
/** Enough for any route of the SPA with its query; it is sealed into the login cookie, which must stay small. */
export const MAX_RETURN_TO_LENGTH = 512;
const base = "https://return-to.invalid";

/**
 * The `returnTo` of a login as a same-origin relative path, or "/" for
 * anything else: `//host`, `/\host`, schemes, hosts, control characters and
 * encoded slashes or backslashes (which some routers decode into one) all
 * fall back, so a login can never become an open redirect.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html
 *
 * @example
 * parseReturnTo("/items?page=2"); // "/items?page=2"
 * parseReturnTo("//evil.example"); // "/"
 */
export function parseReturnTo(value: string | undefined | null): string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_RETURN_TO_LENGTH) return FALLBACK;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return FALLBACK;
  // Control characters, spaces and backslashes are never part of a path the app produces; browsers strip or rewrite some of them.
  if (hasControlCharacter(value) || value.includes(" ") || value.includes("\\")) return FALLBACK;
  if (/%(2f|5c|00)/i.test(value)) return FALLBACK;
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return FALLBACK;
  }
  if (url.origin !== base) return FALLBACK;
  const result = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments collapse during parsing ("/.//evil" becomes "//evil"), so the normalized value is checked again.
  // Parsing percent-encodes what it must, which can lengthen it: the bound holds for what is sealed.
  return result.startsWith("//") || result.length > MAX_RETURN_TO_LENGTH ? FALLBACK : result;
}

/** `returnTo` with `auth_error=<code>` added, for a login that ended without a session. */
export function withAuthError(returnTo: string, code: string): string {
  const url = new URL(parseReturnTo(returnTo), base);
  url.searchParams.set("auth_error", /^[a-z0-9_]{1,64}$/.test(code) ? code : "login_failed");
  return `${url.pathname}${url.search}${url.hash}`;
}
